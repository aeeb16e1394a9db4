"""Sharing a workspace through git: the pieces `tandem sync` is built from.

``merge`` decides, record by record, what a data file holds when two clones changed it
(:func:`merge_documents`, whose module docstring is the contract users rely on), and
``text`` merges free text line by line (:func:`merge_text`); both are pure. ``git`` runs the
user's own git with time limits and no prompts where no terminal can answer, ``setup``
shares a workspace or joins one, ``run`` is the sync itself and its status, and
``describe`` says in words what changed (commit messages, "Synced: …").
"""

from tandem.store.layout import CONFLICTS_TABLE
from tandem.store.sync.merge import Conflict, Merged, MergeError, merge_documents, recorded_conflicts
from tandem.store.sync.text import SEPARATOR, merge_text

__all__ = ["CONFLICTS_TABLE", "SEPARATOR", "Conflict", "MergeError", "Merged", "merge_documents", "merge_text", "recorded_conflicts"]
