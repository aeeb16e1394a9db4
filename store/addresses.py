"""People's e-mail addresses (``[people]`` in config.toml): tandem records names, and the
e-mail minutes, digests and calendar invitations need addresses to reach them.

Only plain ASCII ``local@domain`` addresses are kept: the one form every mailer and calendar
reads, and one no header can be smuggled through (no line break, no comma, no angle bracket)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from email.errors import MessageError
from email.headerregistry import Address

__all__ = ["address_of", "address_problem", "person_key", "same_person", "without_address"]

#: Longest address kept (RFC 5321's limit for a path).
ADDRESS_MAX = 254


def person_key(name: str) -> str:
    """A name as the team writes it, without case and extra blanks: what two names of one
    person have in common (an action's owner, ``--owner``, an attendee, ``[people]``)."""
    return " ".join(name.split()).casefold()


def same_person(a: str, b: str) -> bool:
    return person_key(a) == person_key(b)


def address_problem(text: str) -> str | None:
    """Why ``text`` is not an address tandem writes (None: it is one)."""
    if not text or len(text) > ADDRESS_MAX or not text.isascii() or not text.isprintable():
        return f"{text!r} is not an e-mail address: ASCII, like ana@example.com"
    if any(c in text for c in ' \t,;<>()[]\\"') or text.count("@") != 1:
        return f"{text!r} is not an e-mail address: one name@domain, like ana@example.com"
    local, _, domain = text.partition("@")
    if not local or "." not in domain.strip(".") or domain.startswith(".") or domain.endswith("."):
        return f"{text!r} is not an e-mail address: one name@domain, like ana@example.com"
    try:
        Address(addr_spec=text)
    except (ValueError, IndexError, MessageError):
        return f"{text!r} is not an e-mail address tandem can write"
    return None


def address_of(addresses: Mapping[str, str], name: str) -> str:
    """``name``'s address ("": none known)."""
    for known, address in addresses.items():
        if same_person(known, name):
            return address
    return ""


def without_address(addresses: Mapping[str, str], names: Iterable[str]) -> list[str]:
    """The names (each once, in order) that have no address."""
    out: list[str] = []
    for name in names:
        if name.strip() and not address_of(addresses, name) and not any(same_person(name, seen) for seen in out):
            out.append(name)
    return out
