"""Contributions between meetings: what each person adds from their own terminal (lead
feedback, prospect questions, topics, content ideas, check-ins), kept in a file per person
that only they write, so that ``tandem sync`` carries it without a conflict. See
:mod:`tandem.store.contrib.store`."""

from tandem.store.contrib.records import KINDS, NOUNS, STATUSES, Contribution, Topic
from tandem.store.contrib.store import Contributions, person_slug

__all__ = ["KINDS", "NOUNS", "STATUSES", "Contribution", "Contributions", "Topic", "person_slug"]
