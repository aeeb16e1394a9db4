"""``tandem sync``: commit what changed here, fetch, merge record by record, push.

The steps, and why each survives a kill -9 or a lost network:

1. A merge left unfinished (a sync killed half-way, or a plain ``git pull`` that stopped on
   conflicts) is finished first, from the versions git keeps (merge base, ``HEAD``,
   ``MERGE_HEAD``) and the files in the folder where they load (what was saved since);
   a file holding conflict markers counts as ``HEAD``'s.
2. Local work is committed with a message that says what changed. From here on it is safe:
   whatever happens to the network, it is in a commit and goes with the next sync.
3. ``git fetch``; if the team moved on, ``git merge --no-commit -s ours`` records the merge
   without touching a file, then every data file the team changed is merged into the folder
   by :func:`tandem.store.sync.merge.merge_documents` (git's line merge is never used for
   them: lines that merge cleanly are not always records that do, and its conflict markers
   would be left in a file by a kill), each under its writer's lock and written
   atomically; other files are merged by ``git merge-file``; the merge is committed.
4. ``git push``; when someone pushed in between, back to 3 (a few times).

A lock in ``.git`` keeps two syncs of one workspace from running at once; git's own lock
files left by a killed sync are removed by the next one (only then: a live git may hold them).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from tandem.store.atomic import SCHEMA_VERSION, atomic_write_bytes, decode, encode, ensure_dir, file_header
from tandem.store.errors import CorruptFileError, TandemError
from tandem.store.layout import MEETINGS_DIR
from tandem.store.locks import WriterLock, holder_alive
from tandem.store.outside import read_outside
from tandem.store.sync.describe import is_data_path, summarise
from tandem.store.sync.git import Git, GitError, OfflineError
from tandem.store.sync.merge import HEADER, merge_documents
from tandem.store.sync.setup import identity_args, is_shared, private_modes

#: How often a push refused because someone pushed in between is retried.
PUSH_ATTEMPTS = 5
#: A fetch that meets another updating the same ref is tried again, this many times, half
#: a second apart (see :meth:`Sync._fetch`).
FETCH_ATTEMPTS = 10
#: In ``.git``: one sync of a workspace at a time (its holder file says who).
SYNC_LOCK = "tandem-sync.lock"
#: What ``tandem sync status`` reads: the last sync's time and result (local, in ``.git``).
LAST_SYNC = "tandem-last-sync.json"
#: git's lock files a killed git leaves in ``.git``.
_GIT_LOCKS = ("index.lock", "HEAD.lock", "ORIG_HEAD.lock", "MERGE_HEAD.lock", "config.lock")


@dataclass
class SyncReport:
    committed: list[str] = field(default_factory=list)  # what this machine sent, in phrases
    received: list[str] = field(default_factory=list)  # what came in, in phrases
    authors: list[str] = field(default_factory=list)  # who sent what came in
    conflicts: int = 0  # same-field changes decided (the losing values are kept in the files)
    pushed: bool = False
    remote: bool = True  # False: the repository has no remote to sync with

    def sentence(self) -> str:
        if not self.remote:
            sent = "; ".join(self.committed)
            return (
                f"Committed here ({sent}); this workspace has no team remote yet: add one with `git remote add origin URL`."
                if sent
                else "Nothing to sync: this workspace has no team remote yet."
            )
        parts: list[str] = []
        if self.received:
            who = f" from {', '.join(self.authors)}" if self.authors else ""
            parts.append(f"{', '.join(self.received)}{who}")
        if self.committed:
            parts.append(f"sent {', '.join(self.committed)}")
        if self.conflicts:
            n = self.conflicts
            parts.append(f"{n} edit{'s' if n != 1 else ''} made on two machines decided, the other value kept (tandem doctor lists them)")
        return f"Synced: {'; '.join(parts)}." if parts else "Synced: nothing new here or from the team."


class Sync:
    """One workspace's repository. ``who``: the name commit messages start with."""

    def __init__(self, home: Path, *, who: str = "", interactive: bool = False, now: Any = datetime.now) -> None:
        self.home = home
        if not home.is_dir():
            raise TandemError(f"There is no workspace at {home}; `tandem sync clone URL` joins a team there.")
        if not is_shared(home):
            raise TandemError(f"{home} is not shared yet: `tandem sync init REMOTE` shares it, `tandem sync clone URL` joins a team.")
        self.git = Git(home, interactive=interactive)
        self.now = now
        self.who = who or self.git.value("config", "user.name") or "tandem"
        self._dot_git = Path(self.git.value("rev-parse", "--absolute-git-dir") or self.home / ".git")

    @functools.cached_property
    def _identity(self) -> list[str]:
        """Asked of git only by a sync that commits (status never does)."""
        return identity_args(self.git)

    # --- the whole sync ----------------------------------------------------------------

    def run(self) -> SyncReport:
        lock = WriterLock(self._dot_git / SYNC_LOCK, subject="The team repository", meeting=False, now=self.now, timeout=0)
        died = lock.holder_path.exists() and holder_alive(lock.lock_path) is False
        with lock:
            if died:
                self._remove_stale_git_locks()
            report = SyncReport()
            try:
                self._finish_merge(report)
                report.committed = self._commit_local()
                self._exchange(report)
            except OfflineError as exc:
                self._remember(str(exc), ok=False)
                raise
            self._remember(report.sentence(), ok=True)
            return report

    def _remove_stale_git_locks(self) -> None:
        for name in _GIT_LOCKS:
            (self._dot_git / name).unlink(missing_ok=True)

    def _exchange(self, report: SyncReport) -> None:
        if not self.git.value("remote"):
            report.remote = False
            return
        branch = self.git.value("symbolic-ref", "--short", "HEAD") or "main"
        for _ in range(PUSH_ATTEMPTS):
            self._fetch()
            upstream = f"origin/{branch}"
            if self.git.ok("rev-parse", "--verify", "-q", f"refs/remotes/{upstream}"):
                self._take(upstream, report)
            if self.git.value("rev-list", "--count", f"{upstream}..HEAD") == "0":
                return  # nothing of ours the team lacks
            pushed = self.git.run("push", "-q", "origin", f"HEAD:refs/heads/{branch}", check=False, network=True)
            if pushed.code == 0:
                self.git.run("branch", "-q", f"--set-upstream-to={upstream}", check=False)
                report.pushed = True
                return
            if "rejected" not in pushed.err and "fetch first" not in pushed.err and "non-fast-forward" not in pushed.err:
                raise self.git.error(("push",), pushed, network=True)
        raise GitError(f"The team kept pushing while this sync ran ({PUSH_ATTEMPTS} tries); your work is committed here: run `tandem sync` again.")

    def _fetch(self) -> None:
        """``git fetch``. A sync killed while fetching leaves its git running on (kill -9
        reaches tandem, not its children): for a moment two fetches update one ref, and the
        later one fails with "cannot lock ref". That is over when the orphan is: fetch again."""
        for attempt in range(FETCH_ATTEMPTS):
            done = self.git.run("fetch", "-q", "origin", check=False, network=True)
            if done.code == 0:
                return
            if "cannot lock ref" not in done.err or attempt == FETCH_ATTEMPTS - 1:
                raise self.git.error(("fetch", "-q", "origin"), done, network=True)
            time.sleep(0.5)

    # --- taking the team's changes -------------------------------------------------------

    def _take(self, upstream: str, report: SyncReport) -> None:
        head = self.git.value("rev-parse", "--verify", "-q", "HEAD")
        theirs = self.git.value("rev-parse", upstream)
        if not theirs or (head and self.git.ok("merge-base", "--is-ancestor", theirs, head)):
            return  # nothing new from the team
        if head:
            self._refuse_if_open_here(head, theirs)
        authors = self.git.value("log", "--format=%an", f"{head}..{theirs}" if head else theirs).splitlines()
        for name in authors:
            if name and name not in report.authors and name != self.who:
                report.authors.append(name)
        if not head:
            # Nothing committed here yet (a clone of a repository that was empty then).
            self.git.run("checkout", "-q", "-B", upstream.removeprefix("origin/"), "--track", upstream)
        elif self.git.ok("merge-base", "--is-ancestor", head, theirs):
            self.git.run("merge", "-q", "--ff-only", theirs)
        else:
            # "-s ours" records the merge and changes no file: the team's side is then
            # written by _resolve, file by file, each write atomic. Git's own merge would
            # first put conflict markers into the files both sides changed, and a sync
            # killed right then would leave a workspace that does not load.
            merged = self.git.run(*self._identity, "merge", "-q", "--no-commit", "--no-ff", "-s", "ours", theirs, check=False)
            if merged.code != 0:
                raise self.git.error(("merge",), merged, network=False)
            report.conflicts += self._resolve(head, theirs)
            self.git.run(*self._identity, "commit", "-q", "--no-verify", "-m", f"{self.who}: sync with the team")
        changed = self._paths_between(head, "HEAD") if head else self.git.value("ls-files").splitlines()
        private_modes(self.home, changed)
        report.received = summarise(self._versions(head or None, "HEAD", changed))

    def _refuse_if_open_here(self, head: str, theirs: str) -> None:
        """A meeting being run in this workspace must not be rewritten under its writer: the
        writer's next save would put its own version back."""
        base = self.git.value("merge-base", head, theirs) or head
        for path in self._paths_between(base, theirs):
            meeting = path.startswith(f"{MEETINGS_DIR}/") and path.endswith(".json")
            if meeting and holder_alive((self.home / path).with_suffix(".lock")):  # MeetingWriter's lock
                raise TandemError(f"Not merged: {path} came in changed but is open for editing here; your work is committed, sync again once it is closed.")

    def _finish_merge(self, report: SyncReport) -> None:
        if not (self._dot_git / "MERGE_HEAD").exists():
            return
        theirs = self.git.value("rev-parse", "MERGE_HEAD")
        head = self.git.value("rev-parse", "HEAD")
        self._refuse_if_open_here(head, theirs)
        report.conflicts += self._resolve(head, theirs)
        self.git.run("add", "-A")
        self.git.run(*self._identity, "commit", "-q", "--no-verify", "-m", f"{self.who}: finish the merge with the team")

    def _resolve(self, head: str, theirs: str) -> int:
        """Bring the team's side into the work tree of a merge in progress: every data file
        either side changed since the merge base is merged record by record, "ours" being
        the file in the folder (HEAD's version plus anything saved since, which a sync
        killed earlier may have let the app write) — or HEAD's, where the folder's cannot
        be read (a plain `git pull`'s conflict markers). Each data file is read, merged and
        written under its writer's lock, whole and atomically, so a sync killed at any
        moment leaves files that load (and MERGE_HEAD, for the next sync to finish), and a
        save made meanwhile is merged, never overwritten. Other files are merged line by
        line (``git merge-file``), this side's lines winning where both changed the same.
        The number of same-field conflicts decided."""
        base = self.git.value("merge-base", head, theirs)
        theirs_changed = set(self._paths_between(base, theirs)) if base else set()
        unmerged = set(self.git.value("diff", "--name-only", "--diff-filter=U").splitlines())
        touched = sorted(theirs_changed | unmerged)  # what only we changed is in place already
        data = [p for p in touched if is_data_path(p)]
        others = [p for p in touched if not is_data_path(p)]
        blobs = self._blobs([(rev, p) for p in touched for rev in (base, head, theirs) if rev])
        conflicts = 0
        for path in data:
            base_raw, head_raw, theirs_raw = (blobs.get((rev, path)) if rev else None for rev in (base, head, theirs))
            conflicts += self._merge_file(path, base_raw, head_raw, theirs_raw)
        self._merge_others(others, [(blobs.get((base, p)), blobs.get((head, p)), blobs.get((theirs, p)), p in unmerged) for p in others], theirs)
        staged = data + others
        if staged:  # one git for every file, not one per file (-A: deletions too)
            paths = "\0".join(staged).encode("utf-8", "surrogateescape")
            self.git.run("add", "-A", "--pathspec-from-file=-", "--pathspec-file-nul", stdin=paths)
        return conflicts

    def _merge_file(self, path: str, base: bytes | None, head: bytes | None, theirs: bytes | None) -> int:
        """Merge one data file into the folder; the number of same-field conflicts decided."""
        target = self.home / path
        lock = WriterLock(target.with_suffix(".lock"), subject=str(target), meeting=False, now=self.now, timeout=10)
        if target.parent.is_dir():
            lock.acquire()
        try:
            current = self._readable(target)
            # Gone from the folder: deleted here. There but unreadable (a plain `git pull`'s
            # conflict markers): HEAD's version is this side.
            ours = None if not target.exists() else current if current is not None else head
            if ours == base:
                merged_raw, count = theirs, 0  # nothing changed here: the team's, as they have it
            elif theirs == base:
                return 0  # nothing changed there (git's view of a file only we changed)
            elif ours is None or theirs is None:
                merged_raw, count = (ours if ours is not None else theirs), 0  # deleted against changed: the change, whole
            else:
                docs = [self._document(raw, path) if raw is not None else None for raw in (base, ours, theirs)]
                base_doc, ours_doc, theirs_doc = docs
                assert ours_doc is not None and theirs_doc is not None
                merged = merge_documents(base_doc, ours_doc, theirs_doc, source=path)
                tables = {k: v for k, v in merged.document.items() if k != HEADER}
                kind = str(merged.document.get(HEADER, {}).get("kind", "data"))
                merged_raw, count = encode(tables, kind), len(merged.conflicts)
            if merged_raw is None:
                target.unlink(missing_ok=True)
            elif merged_raw != current:
                ensure_dir(target.parent)
                atomic_write_bytes(target, merged_raw)
            return count
        finally:
            lock.release()

    @staticmethod
    def _readable(target: Path) -> bytes | None:
        """The folder's version of a data file, if it is there and parses."""
        try:
            raw = read_outside(target)
            decode(raw, target)
        except (OSError, CorruptFileError, TandemError):
            return None
        return raw

    def _merge_others(self, paths: list[str], versions: list[tuple[bytes | None, bytes | None, bytes | None, bool]], theirs: str) -> None:
        """Files that are not tandem's data (minutes exported into the repository, a README):
        the team's where only they changed one, a line merge where both did."""
        taken: list[str] = []
        for path, (base, head, their, unmerged) in zip(paths, versions, strict=True):
            target = self.home / path
            current = None if unmerged else (target.read_bytes() if target.is_file() else None)
            ours = head if unmerged else current
            if ours in (base, their):
                if their is None:
                    target.unlink(missing_ok=True)
                else:
                    taken.append(path)  # git writes it (its mode, a link) as the team has it
            elif their in (base, None):
                if unmerged and ours is not None:
                    atomic_write_bytes(target, ours)  # this side's, without git's markers
            elif ours is None:
                taken.append(path)  # deleted here, changed there: the change
            else:
                atomic_write_bytes(target, self._line_merge(base or b"", ours, their))
        if taken:
            listed = "\0".join(taken).encode("utf-8", "surrogateescape")
            self.git.run("checkout", "-q", theirs, "--pathspec-from-file=-", "--pathspec-file-nul", stdin=listed)

    def _line_merge(self, base: bytes, ours: bytes, theirs: bytes) -> bytes:
        """git merge-file of three texts, this side's lines where both changed the same."""
        import tempfile

        with tempfile.TemporaryDirectory(dir=self._dot_git, prefix="tandem-merge-") as folder:
            names = []
            for name, raw in (("ours", ours), ("base", base), ("theirs", theirs)):
                path = Path(folder) / name
                path.write_bytes(raw)
                names.append(str(path))
            return self.git.run("merge-file", "-p", "--ours", *names, check=False).out

    def _document(self, raw: bytes, path: str) -> dict[str, Any]:
        """A version of a data file as the merge takes it: in this tandem's schema."""
        header = file_header(raw) or {}
        try:
            tables = decode(raw, Path(path))
        except CorruptFileError as exc:
            raise TandemError(f"{path} in the team repository cannot be read ({exc.detail}); fix it there (tandem doctor explains) and sync again.") from None
        return {HEADER: {"kind": str(header.get("kind", "data")), "schema": SCHEMA_VERSION}, **tables}

    # --- committing local work -----------------------------------------------------------

    def _commit_local(self) -> list[str]:
        self.git.run("add", "-A")
        if self.git.ok("diff", "--cached", "--quiet"):
            return []
        has_head = self.git.ok("rev-parse", "--verify", "-q", "HEAD")
        names = self.git.value("diff", "--cached", "--name-only", "HEAD").splitlines() if has_head else self.git.value("ls-files").splitlines()
        versions = list(self._versions("HEAD" if has_head else None, "", names))
        phrases = summarise(versions) or ["changes"]
        message = f"{self.who}: {'; '.join(phrases)}"
        self.git.run(*self._identity, "commit", "-q", "--no-verify", "-m", message)
        return phrases

    # --- reading versions ----------------------------------------------------------------

    def _paths_between(self, old: str, new: str) -> list[str]:
        out = self.git.run("diff", "--name-only", "-z", "--no-renames", old, new).out
        return [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]

    def _deleted_between(self, old: str, new: str) -> set[str]:
        out = self.git.run("diff", "--name-only", "-z", "--no-renames", "--diff-filter=D", old, new).out
        return {p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p}

    def _versions(self, old: str | None, new: str, paths: Iterable[str]) -> Iterable[tuple[str, bytes | None, bytes | None]]:
        """(path, bytes at ``old``, bytes at ``new``) for data files; ``new`` "" is the index."""
        data = [p for p in paths if is_data_path(p)]
        blobs = self._blobs([(rev, p) for p in data for rev in ((old,) if old else ()) + (new,)])
        for path in data:
            yield path, blobs.get((old, path)) if old else None, blobs.get((new, path))

    def _blobs(self, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], bytes]:
        """Many files' bytes at many commits from one ``git cat-file --batch`` (one process,
        not one per file); missing ones are left out."""
        if not wanted:
            return {}
        specs = "".join(f"{rev}:{path}\n" for rev, path in wanted).encode()
        out = self.git.run("cat-file", "--batch", stdin=specs).out
        found: dict[tuple[str, str], bytes] = {}
        at = 0
        for key in wanted:
            end = out.index(b"\n", at)
            head = out[at:end].split()
            at = end + 1
            if len(head) == 3 and head[1] == b"blob":
                size = int(head[2])
                found[key] = out[at : at + size]
                at += size + 1
            elif len(head) == 3:  # a tree or a commit where a file was asked for
                at += int(head[2]) + 1
        return found

    # --- status --------------------------------------------------------------------------

    def _remember(self, sentence: str, *, ok: bool) -> None:
        record = {"at": self.now().isoformat(timespec="seconds"), "ok": ok, "sentence": sentence}
        atomic_write_bytes(self._dot_git / LAST_SYNC, orjson.dumps(record))

    def status(self) -> list[str]:
        """Lines for ``tandem sync status``: what is local, what is incoming, the last sync.
        Offline: what came in is as of the last fetch."""
        lines: list[str] = []
        origin = self.git.value("remote", "get-url", "origin")
        lines.append(f"Team repository: {origin}" if origin else "Team repository: none yet (`git remote add origin URL`)")
        changed = [line for line in self.git.value("status", "--porcelain", "--untracked-files=all").splitlines() if is_data_path(line[3:].strip('"'))]
        lines.append(
            f"Not yet committed here: {len(changed)} changed data file{'s' if len(changed) != 1 else ''}" if changed else "Not yet committed here: nothing"
        )
        branch = self.git.value("symbolic-ref", "--short", "HEAD") or "main"
        upstream = f"origin/{branch}"
        if origin and self.git.ok("rev-parse", "--verify", "-q", f"refs/remotes/{upstream}"):
            ahead = self.git.value("rev-list", "--count", f"{upstream}..HEAD") or "0"
            behind = self.git.value("rev-list", "--count", f"HEAD..{upstream}") or "0"
            lines.append(
                f"To send: {ahead} commit{'s' if ahead != '1' else ''}; incoming (as of the last fetch): {behind} commit{'s' if behind != '1' else ''}"
            )
        elif origin:
            lines.append("To send: everything (nothing was pushed yet)")
        last = self._last()
        lines.append(f"Last sync: {last}" if last else "Last sync: never")
        return lines

    def _last(self) -> str:
        try:
            record = orjson.loads(read_outside(self._dot_git / LAST_SYNC, limit=64 * 1024))
            return f"{record['at'].replace('T', ' ')} — {record['sentence']}"
        except (OSError, CorruptFileError, ValueError, KeyError, TypeError, AttributeError):
            return ""
