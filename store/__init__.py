"""Everything about tandem's data. Never imports Textual (tests/test_layering.py checks)."""

from tandem.store.errors import (
    CorruptFileError,
    MeetingLockedError,
    NewerSchemaError,
    NotFoundError,
    TandemError,
    ValidationError,
)
from tandem.store.workspace import Workspace

__all__ = [
    "CorruptFileError",
    "MeetingLockedError",
    "NewerSchemaError",
    "NotFoundError",
    "TandemError",
    "ValidationError",
    "Workspace",
]
