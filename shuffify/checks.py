"""Small input checks shared by the plain functions, each refusing with the field's name."""

import re
from collections.abc import Collection

from shuffify.errors import Refused

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def whole_number(raw: object, name: str, low: int, high: int) -> int:
    """A query or body value that must be a whole number in [low, high].

    The length is checked before int(): Python refuses to convert more than
    4,300 digits, with a ValueError that would otherwise escape as a 500.
    """
    text = str(raw).strip()
    digits = text.lstrip("0") or "0"
    if not (
        text.isascii()
        and text.isdigit()
        and len(digits) <= len(str(high))
        and low <= int(digits) <= high
    ):
        raise Refused(f"{name} must be a whole number from {low} to {high}")
    return int(digits)


def known_fields(body: dict, fields: Collection[str]) -> dict:
    """body, when it names no field outside `fields`; else a Refused naming the first."""
    unknown = sorted(set(body) - set(fields))
    if unknown:
        raise Refused(f"unknown field {quoted(unknown[0])}")
    return body


def unstorable(text: str) -> str | None:
    """What in text no database column can hold (NUL, a lone surrogate), or None.

    PostgreSQL refuses NUL in text, and neither driver can encode a lone
    surrogate as UTF-8: refused here, both databases accept the same names.
    """
    found = UNSTORABLE.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def storable(text: str, name: str) -> str:
    """text, when a column can hold it; else a Refused naming the field and the character."""
    bad = unstorable(text)
    if bad is not None:
        raise Refused(f"{printable(name)} holds a character that cannot be stored ({bad})")
    return text


def quoted(name: str) -> str:
    """A field name for a message, in quotes."""
    return f'"{printable(name)}"'


def printable(name: str) -> str:
    """A name for a message: at most 80 characters, anything outside ASCII escaped."""
    return name[:80].encode("ascii", "backslashreplace").decode()
