"""Errors that reach people: each one renders as a single clear sentence."""

from __future__ import annotations

from pathlib import Path


class TandemError(Exception):
    """Base class; ``str(err)`` is the sentence shown to the user."""

    #: CLI exit status: 1 for bad data, 2 for bad usage.
    exit_code = 1


class UsageError(TandemError):
    exit_code = 2


class ValidationError(TandemError):
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class CorruptFileError(TandemError):
    def __init__(self, path: Path | str, detail: str) -> None:
        self.path = Path(path)
        self.detail = detail
        super().__init__(f"{path} cannot be read ({detail}); tandem left it untouched.")


class NewerSchemaError(TandemError):
    def __init__(self, path: Path | str, found: int, supported: int) -> None:
        self.path = Path(path)
        super().__init__(f"{path} was written by a newer tandem (schema {found}, this version reads up to {supported}); upgrade tandem to open it.")


class MeetingLockedError(TandemError):
    """A meeting (or a shadow day: ``what``) is already open for editing elsewhere."""

    def __init__(self, meeting_id: str, holder: str, what: str = "Meeting") -> None:
        self.meeting_id = meeting_id
        super().__init__(f"{what} {meeting_id} is open for editing by {holder}.")


class MeetingClaimedError(MeetingLockedError):
    """A live meeting run on another clone of the team's workspace (its claim came with a
    sync): the holder is named, and the two ways on are said."""

    def __init__(self, meeting_id: str, holder: str) -> None:
        self.holder = holder
        super().__init__(meeting_id, holder)
        self.args = (
            f"Meeting {meeting_id} is being run by {holder}; 'tandem review' shows what has been synced,"
            f" and 'tandem run {meeting_id} --take-over' takes it over if that machine is gone.",
        )


class NotFoundError(TandemError):
    pass


class WorkspaceNotEmptyError(TandemError):
    pass


class FinalizedError(TandemError):
    def __init__(self, meeting_id: str) -> None:
        self.meeting_id = meeting_id
        super().__init__(f"Meeting {meeting_id} is finalized and cannot be edited; unfinalize it first.")


class ReadOnlyError(TandemError):
    """A write was attempted through a workspace opened read-only (review, follow)."""


def describe_os_error(exc: BaseException) -> str:
    """A failed save in words a facilitator acts on: "the disk is full", not "errno 28"."""
    import errno

    if isinstance(exc, OSError):
        words = {
            errno.ENOSPC: "the disk is full",
            errno.EDQUOT: "your disk quota is used up",
            errno.EROFS: "the disk has become read-only",
            errno.EACCES: "permission to write was taken away",
            errno.EPERM: "permission to write was taken away",
            errno.EIO: "the disk reported an input/output error",
        }
        if exc.errno in words:
            return words[exc.errno]
        if exc.strerror:
            return exc.strerror[0].lower() + exc.strerror[1:]
    return str(exc) or type(exc).__name__
