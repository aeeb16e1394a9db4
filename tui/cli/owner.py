"""``--owner NAME``, read one way by every command that takes it (``tandem actions``,
``export --format ics``, ``digest``, ``status``): ``me`` is config.toml's ``[me]`` name,
any other name is taken with its spaces tidied, and one sentence says when neither can be.

Light on imports: ``tandem status`` answers before the store is loaded and gives its own
way to read the name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click


def _config_name() -> str:
    from tandem.store.config import load_config

    return load_config().config.me.name


def _config_path() -> Path:
    from tandem.store.config import config_path

    return config_path()


def owner_name(owner: str | None, *, my_name: Callable[[], str] = _config_name, config: Callable[[], Path] = _config_path) -> str | None:
    """The name ``--owner`` means (None when it was not given). ``my_name``: the ``[me]``
    name, read only for ``me``; ``config``: where config.toml is, for the sentence that
    asks for one. A usage error (exit 2) for a blank name, or ``me`` with no name set."""
    if owner is None:
        return None
    name = " ".join(owner.split())
    if not name:
        raise click.BadParameter("give a name, or 'me' for yours", param_hint="'--owner'")
    if name.casefold() != "me":
        return name
    mine = " ".join(my_name().split())
    if not mine:
        raise click.UsageError(f'--owner me needs your name in {config()}: run `tandem me "Your Name" --team sales`, or give --owner NAME.')
    return mine
