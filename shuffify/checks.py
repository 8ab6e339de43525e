"""Small input checks shared by the plain functions, each refusing with the field's name."""

from shuffify.errors import Refused


def whole_number(raw: object, name: str, low: int, high: int) -> int:
    """A query or body value that must be a whole number in [low, high]."""
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise Refused(f"{name} must be a whole number from {low} to {high}")
    return int(text)
