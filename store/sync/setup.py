"""Turning a workspace into a team repository (``tandem sync init``) and joining one
(``tandem sync clone``)."""

from __future__ import annotations

import os
from pathlib import Path

from tandem.store.atomic import DIR_MODE, FILE_MODE, atomic_write_bytes, ensure_dir
from tandem.store.errors import TandemError, UsageError
from tandem.store.layout import CONTRIBUTIONS_DIR, MEETINGS_DIR, WORKSPACE_FILE
from tandem.store.sync.git import Git, GitError, OfflineError

#: Files that belong to one machine and never travel: locks and who holds them, a killed
#: writer's temp files, the daily snapshots, backups, unsaved form drafts and derived caches.
#: A volatile file under version control conflicts on every sync (Obsidian's workspace file).
IGNORE = """\
# Written by tandem sync init: files that belong to this machine, never to the team.
*.lock
*.holder
.*.tmp-*
/cache/
/snapshots/
/backups/
/drafts/
"""

#: Data files keep LF line ends on every machine (core.autocrlf would rewrite every line of
#: a file on Windows, and every line would then conflict).
ATTRIBUTES = """\
# Written by tandem sync init.
*.json text eol=lf
*.md text eol=lf
"""

BRANCH = "main"


def identity_args(git: Git) -> list[str]:
    """``-c`` options naming the committer when git has no name or e-mail configured here, so
    that a first sync on a fresh laptop works; the user's own settings win when present."""
    args: list[str] = []
    if not git.value("config", "user.name"):
        args += ["-c", f"user.name={login_name()}"]
    if not git.value("config", "user.email"):
        args += ["-c", f"user.email={login_name()}@{host_name()}"]
    return args


def login_name() -> str:
    try:
        return os.getlogin()
    except OSError:
        import getpass

        return getpass.getuser() or "tandem"


def host_name() -> str:
    import socket

    return socket.gethostname() or "localhost"


def is_shared(home: Path) -> bool:
    """Whether the workspace is the top of a git work tree."""
    return (home / ".git").exists()


def private_modes(home: Path, paths: list[str] | None = None) -> None:
    """Put back 0600 on data files and 0700 on folders: git keeps only the executable bit, so
    a clone or a pull leaves them readable by everyone on the machine. ``paths``: only these
    (relative) files, plus the folders; None: every file of the workspace."""
    # .git too: its history holds every version of every record.
    for folder in (home, home / MEETINGS_DIR, home / CONTRIBUTIONS_DIR, home / ".git"):
        if folder.is_dir() and not folder.is_symlink():
            os.chmod(folder, DIR_MODE)
    found = [*home.glob("*.json"), *home.glob(f"{MEETINGS_DIR}/*.json"), *home.glob(f"{CONTRIBUTIONS_DIR}/*.json")]
    names = [p.relative_to(home).as_posix() for p in found] if paths is None else paths
    for name in names:
        path = home / name
        try:
            if path.is_file() and not path.is_symlink():
                os.chmod(path, FILE_MODE)
        except OSError:
            continue  # gone since: nothing to protect


def _write_if_missing(path: Path, text: str) -> None:
    if not path.exists():
        atomic_write_bytes(path, text.encode())


def init(home: Path, remote: str | None = None) -> str:
    """Make ``home`` a repository with a first commit (and push it if ``remote``); one
    sentence of what happened."""
    if not (home / WORKSPACE_FILE).is_file():
        raise UsageError(f"{home} is not a tandem workspace (no {WORKSPACE_FILE}); create one with `tandem` or `tandem demo` first.")
    git = Git(home, interactive=True)
    if is_shared(home):
        origin = git.value("remote", "get-url", "origin")
        if remote is None or origin:
            where = f" with the team repository {origin}" if origin else ""
            raise UsageError(f"{home} is already shared{where}; run `tandem sync` to sync it.")
    else:
        git.run("init", "-q")
        git.run("symbolic-ref", "HEAD", f"refs/heads/{BRANCH}")
    # The team's history starts in today's format: a workspace from an older tandem is
    # upgraded first (its old files zipped into backups/, as at any upgrade), so no clone
    # ever holds, rewrites and commits the old files on its own.
    from tandem.store.migrate import migrate_workspace
    from tandem.store.workspace import Workspace

    migrate_workspace(Workspace(home))
    _write_if_missing(home / ".gitignore", IGNORE)
    _write_if_missing(home / ".gitattributes", ATTRIBUTES)
    git.run("add", "-A")
    if not git.ok("rev-parse", "--verify", "-q", "HEAD"):
        git.run(*identity_args(git), "commit", "-q", "-m", "tandem: start sharing this workspace")
    if remote is None:
        return f"{home} is now a git repository; add the team's remote with `tandem sync init REMOTE` or `git remote add origin URL`."
    git.run("remote", "add", "origin", remote)
    branch = git.value("symbolic-ref", "--short", "HEAD") or BRANCH
    try:
        git.run("push", "-q", "-u", "origin", branch, network=True)
    except OfflineError as exc:
        return f"{home} is now a git repository with the remote {remote}, not reached yet: {exc}"
    return f"{home} is now shared through {remote}; teammates join with `tandem sync clone {remote}`."


def clone(url: str, home: Path) -> str:
    """Join a team: clone its repository into ``home`` (which must not hold a workspace)."""
    if home.exists() and any(home.iterdir()):
        raise UsageError(f"{home} is not empty; choose another folder with --home.")
    ensure_dir(home.parent)
    git = Git(home.parent, interactive=True)
    try:
        git.run("clone", "-q", url, str(home), network=True)
    except GitError:
        if home.exists() and not any(home.iterdir()):
            home.rmdir()
        raise
    inside = Git(home)
    if not inside.ok("rev-parse", "--verify", "-q", "HEAD"):
        # The remote's HEAD names a branch nobody pushed (a bare repository made with git's
        # default branch, the facilitator pushing "main"): take the team's branch.
        branches = inside.value("for-each-ref", "--format=%(refname:strip=3)", "refs/remotes/origin").split()
        branch = BRANCH if BRANCH in branches else next((b for b in branches if b != "HEAD"), "")
        if branch:
            inside.run("checkout", "-q", "-B", branch, "--track", f"origin/{branch}")
    private_modes(home)
    if not (home / WORKSPACE_FILE).is_file():
        if not inside.ok("rev-parse", "--verify", "-q", "HEAD"):
            return f"Cloned an empty repository into {home}; the facilitator shares the workspace with `tandem sync init {url}`."
        raise TandemError(f"{url} holds no tandem workspace (no {WORKSPACE_FILE}); it was cloned into {home} all the same.")
    return f"Joined the team workspace in {home}; `tandem --home {home}` opens it, `tandem --home {home} sync` shares your changes."
