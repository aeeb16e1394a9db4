"""Each person's contributions, in a file only they write: ``contributions/<slug>.json``.

A contribution is added or withdrawn by its author's tandem and by nobody else; the
facilitator's triage is recorded in the meeting. So two clones never change one
contributions file between two syncs (unless one person works on two laptops, and then the
record merge keeps both sides' records, which never share an id): a sync carries them
without a conflict. The file is a schema-5 data file like the shared ones (atomic writes,
a short lock per write, 0600, one record per id).
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from tandem.store.atomic import clean_stale_temp_files, read_file
from tandem.store.collection import Collection, decode_table
from tandem.store.contrib.records import Contribution
from tandem.store.errors import ValidationError
from tandem.store.ids import by_ref
from tandem.store.layout import CONTRIBUTIONS_DIR, CONTRIBUTIONS_TABLE
from tandem.store.outside import inside

if TYPE_CHECKING:
    from tandem.store.workspace import Workspace

#: The ``kind`` in a contributions file's header.
FILE_KIND = "contributions"


def person_slug(name: str) -> str:
    """The file stem of a person's contributions: ``Ana Ruiz`` → ``ana-ruiz``. A name that
    loses letters on the way to ASCII gets a short digest of itself too (``José Núñez`` →
    ``jose-nunez-`` and six hex digits), so that José and Jose — two people — never write one
    file; a name with no Latin letters or digits is ``person-`` and its digest."""
    digest = hashlib.sha256(name.strip().encode("utf-8")).hexdigest()
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_text = decomposed.encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:48].rstrip("-")
    if not slug:
        return "person-" + digest[:12]
    return slug if ascii_text == decomposed else f"{slug}-{digest[:6]}"


class Contributions:
    """The contributions of a workspace: one file per person."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.folder = workspace.home / CONTRIBUTIONS_DIR

    def path_of(self, author: str) -> Path:
        return self.folder / f"{person_slug(author)}.json"

    def of(self, author: str) -> Collection[Contribution]:
        """``author``'s own file, to add to or withdraw from."""
        return self._at(self.path_of(author))

    def _at(self, path: Path) -> Collection[Contribution]:
        return Collection(
            path,
            CONTRIBUTIONS_TABLE,
            Contribution,
            file_kind=FILE_KIND,
            guard=lambda: self.workspace.short_lock(path),
            before_write=self.workspace.before_write,
        )

    # --- writing: only the author's own file ---------------------------------------------

    def add(self, contribution: Contribution) -> Contribution:
        path = self.path_of(contribution.author)
        if self.folder.is_dir() and inside(self.workspace.home, self.folder):
            # A writer killed mid-write left its temp file here; no workspace start looks here.
            clean_stale_temp_files(self.folder, of=path.name)
        return self.of(contribution.author).add(contribution)

    def revise(self, contribution: Contribution) -> Contribution:
        """Add ``contribution``, or put it in place of its author's own contribution of the
        same id (a verdict changed before a meeting took it in: whoever calls this knows its
        fate; a meeting that took the old one keeps what it took). A withdrawn one comes back."""
        mine = self.of(contribution.author)
        found = mine.find(contribution.id)
        if found is None:
            return self.add(contribution)
        if found.author != contribution.author:
            raise ValidationError("contribution.author", f"{contribution.id} was contributed by {found.author}, not by {contribution.author}")
        return mine.update(contribution)

    def withdraw(self, author: str, contribution_id: str) -> Contribution:
        """Take back one of ``author``'s waiting contributions (the meeting will not offer it)."""
        # The author's file, or the one that held it before their file's name changed (José's
        # was jose-nunez.json before names that lose letters got a digest).
        for path in dict.fromkeys([self.path_of(author), *self.files()]):
            mine = self._at(path)
            if path.exists() and mine.find(contribution_id) is not None:
                break
        else:
            mine = self.of(author)
        found = mine.get(contribution_id)
        if found.author != author:
            raise ValidationError("contribution.author", f"{contribution_id} was contributed by {found.author}, not by {author}")
        if found.status == "withdrawn":
            return found
        return mine.update(found.replace(status="withdrawn"))

    # --- reading: everybody's ----------------------------------------------------------

    def files(self) -> list[Path]:
        """The contributions files, by name; none that is a link out of the workspace."""
        if not self.folder.is_dir() or not inside(self.workspace.home, self.folder):
            return []
        with os.scandir(self.folder) as found:
            names = sorted(e.name for e in found if e.name.endswith(".json") and not e.name.startswith("."))
        return [self.folder / n for n in names if inside(self.workspace.home, self.folder / n)]

    def all(self) -> list[Contribution]:
        """Every contribution of every person, newest first (then by id: the same order on
        every clone)."""
        found: list[Contribution] = []
        for path in self.files():
            found += decode_table(path, read_file(path), CONTRIBUTIONS_TABLE, Contribution)
        found.sort(key=lambda c: (c.created_at, c.id), reverse=True)
        return found

    def waiting(self, *, series_id: str | None = None, author: str | None = None) -> list[Contribution]:
        """What awaits the next meeting, newest first: every waiting contribution (of the
        series, and those for whichever meeting comes next, if ``series_id``; only
        ``author``'s, if given)."""
        return [
            c for c in self.all() if c.status == "waiting" and (series_id is None or c.series_id in ("", series_id)) and (author is None or c.author == author)
        ]

    def resolve(self, ref: str, *, author: str | None = None) -> Contribution:
        """A contribution by its id or a unique start of it (``author``'s only, if given)."""
        ref = ref.strip()
        home = self.workspace.home
        return by_ref(
            [c for c in self.all() if author is None or c.author == author],
            ref,
            id_of=lambda c: c.id,
            many=lambda n: f"{ref!r} matches {n} contributions in {home}; give more of the id.",
            none=f"No contribution {ref!r} in {home} (see 'tandem inbox').",
        )
