"""The meeting index: what every listing needs of each meeting file, read and validated once.

Review, search, home, ``tandem list``, ``tandem actions`` and the new-meeting form ask
:class:`~tandem.store.workspace.Workspace` (or review's source), which answer from here: one
stat per meeting file finds what changed, and only those files are read again. The index
is kept in the workspace's cache folder between runs (``entry`` holds what is kept of one
file, ``meetings`` the index and its file); deleting it loses nothing.
"""

from tandem.store.index.entry import Entry
from tandem.store.index.meetings import MeetingIndex

__all__ = ["Entry", "MeetingIndex"]
