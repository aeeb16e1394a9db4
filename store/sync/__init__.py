"""Sharing a workspace through git: the pieces `tandem sync` is built from.

``merge`` decides, record by record, what a data file holds when two clones changed it
(:func:`merge_documents`, whose module docstring is the contract users rely on), and
``text`` merges free text line by line (:func:`merge_text`). Both are pure: no disk, no
git, no terminal; the caller reads the three versions git provides and writes the result.
"""

from tandem.store.sync.merge import CONFLICTS_TABLE, Conflict, Merged, MergeError, merge_documents, recorded_conflicts
from tandem.store.sync.text import SEPARATOR, merge_text

__all__ = ["CONFLICTS_TABLE", "SEPARATOR", "Conflict", "MergeError", "Merged", "merge_documents", "merge_text", "recorded_conflicts"]
