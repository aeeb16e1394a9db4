"""The user's own ``git``, run as a child process.

tandem never speaks a git protocol itself: SSH keys, credential helpers, hooks, signed
commits and encrypted remotes (git-remote-gcrypt) work because it is the user's git that
runs, with the user's configuration. What tandem adds is a bound on every call (a remote
that hangs never hangs tandem) and, where no terminal can answer, no prompt at all: a
password prompt under the app's screen would wait for ever behind it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tandem.store.errors import TandemError

#: How long one network operation (fetch, push, clone) may take.
NETWORK_TIMEOUT = 120.0
#: How long a local one may take (a commit of 20,000 files is well under this).
LOCAL_TIMEOUT = 60.0


class GitError(TandemError):
    """git is missing, failed or took too long; the sentence says which and what to do."""


class OfflineError(GitError):
    """The remote could not be reached; local work is kept and goes with the next sync."""


@dataclass(frozen=True, slots=True)
class Result:
    code: int
    out: bytes
    err: str

    @property
    def text(self) -> str:
        return self.out.decode("utf-8", "replace").strip()


#: What git says when the remote cannot be reached at all (lower case, LC_ALL=C).
_OFFLINE = (
    "could not resolve host",
    "could not read from remote repository",
    "connection refused",
    "connection timed out",
    "network is unreachable",
    "no route to host",
    "does not appear to be a git repository",
    "unable to access",
    "failed to connect",
    "operation timed out",
)


def git_binary() -> str:
    found = shutil.which("git")
    if found is None:
        raise GitError("tandem sync needs git, which is not installed here (or not on PATH); install git and try again.")
    return found


class Git:
    """``git`` in one work tree. ``interactive``: a terminal may answer prompts (the command
    line); otherwise (the app, tests) git never asks and fails instead."""

    def __init__(self, root: Path, *, interactive: bool = False) -> None:
        self.root = root
        self.interactive = interactive
        self._binary = git_binary()
        #: Seconds spent waiting on git so far (benchmarks tell tandem's own time from it).
        self.seconds = 0.0

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        # Messages in English, so that an unreachable remote is told from a refused push.
        env["LC_ALL"] = "C"
        env["GIT_EDITOR"] = "true"  # a merge commit never opens an editor
        env.pop("GIT_DIR", None)  # a hook's environment must not point us at another repository
        env.pop("GIT_WORK_TREE", None)
        if not self.interactive:
            env["GIT_TERMINAL_PROMPT"] = "0"
            env["GCM_INTERACTIVE"] = "never"
            env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
        return env

    def run(self, *args: str, check: bool = True, network: bool = False, stdin: bytes | None = None) -> Result:
        timeout = NETWORK_TIMEOUT if network else LOCAL_TIMEOUT
        started = time.perf_counter()
        try:
            done = subprocess.run(
                [self._binary, *args],
                cwd=self.root,
                env=self._env(),
                input=stdin,
                stdin=None if stdin is not None or (self.interactive and network) else subprocess.DEVNULL,
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            what = f"git {args[0]}"
            if network:
                raise OfflineError(
                    f"{what} got no answer from the remote within {timeout:.0f} s; your work is kept here and goes with the next sync."
                ) from None
            raise GitError(f"{what} took longer than {timeout:.0f} s in {self.root}; try again.") from None
        except OSError as exc:
            raise GitError(f"Could not run git in {self.root}: {exc.strerror or exc}.") from None
        finally:
            self.seconds += time.perf_counter() - started
        result = Result(done.returncode, done.stdout, done.stderr.decode("utf-8", "replace").strip())
        if check and result.code != 0:
            raise self.error(args, result, network=network)
        return result

    def error(self, args: tuple[str, ...], result: Result, *, network: bool) -> GitError:
        """One sentence for a failed git command: its own last line of complaint."""
        lines = [line.strip() for line in result.err.splitlines() if line.strip()]
        said = next((line for line in reversed(lines) if line.lower().startswith(("fatal:", "error:"))), lines[-1] if lines else "")
        said = said.removeprefix("fatal: ").removeprefix("error: ").rstrip(".")
        if network and any(mark in result.err.lower() for mark in _OFFLINE):
            return OfflineError(f"The team repository could not be reached ({said}); your work is kept here and goes with the next sync.")
        return GitError(f"git {args[0]} failed in {self.root}: {said or f'exit status {result.code}'}.")

    # --- small questions -------------------------------------------------------------

    def ok(self, *args: str) -> bool:
        return self.run(*args, check=False).code == 0

    def value(self, *args: str) -> str:
        """The output of a command that succeeds, or "" when it fails (an unset config key,
        a branch that does not exist yet)."""
        result = self.run(*args, check=False)
        return result.text if result.code == 0 else ""

    def show(self, rev: str, path: str) -> bytes | None:
        """A file's bytes at a commit, or None if it has no such file there."""
        result = self.run("cat-file", "blob", f"{rev}:{path}", check=False)
        return result.out if result.code == 0 else None
