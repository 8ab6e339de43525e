"""Pins (issue 20): tracks a user keeps at one position while the rest of a playlist moves.

A pin is a URI and a position, until a date (inclusive) or for good. Every
algorithm run on a pinned playlist goes through apply(): the pinned items are
taken out, the algorithm orders the rest (so its own promise, spacing,
sections or albums, holds for them), and the pinned items are put back at
their positions; one whose position the playlist no longer reaches goes to
the end. Pins are matched to items by URI (Spotify gives entries no identity),
each pin taking one copy, so a pinned item moved elsewhere on Spotify is put
back, and one that left the playlist is skipped and reported as missing.
Expired pins are ignored and deleted whenever the pins are read.
"""

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from shuffify.database import db
from shuffify.errors import Refused
from shuffify.models import PlaylistPin, User
from shuffify.models.base import utcnow

MAX_PINS = 100
FIELDS = {"uri", "position", "until"}


@dataclass(frozen=True)
class Pin:
    uri: str
    position: int
    until: date | None = None


def _today() -> date:
    return utcnow().date()


def active(user: User, playlist_id: str, today: date | None = None) -> list[Pin]:
    """The pins in force, by position; expired ones are deleted on the way."""
    today = today or _today()
    mine = (PlaylistPin.user == user) & (PlaylistPin.playlist_id == playlist_id)
    PlaylistPin.delete().where(mine & (PlaylistPin.until < today)).execute()
    rows = PlaylistPin.select().where(mine).order_by(PlaylistPin.position)
    return [Pin(row.uri, row.position, row.until) for row in rows]


def listed(user: User, playlist_id: str, uris: Sequence, today: date | None = None) -> dict:
    """GET's answer: each pin in force, "missing" when its item left the playlist."""
    pins = active(user, playlist_id, today)
    placed = _matched(list(uris), pins)
    return {
        "pins": [
            {
                "uri": pin.uri,
                "position": pin.position,
                "until": pin.until.isoformat() if pin.until else None,
                "missing": pin not in placed,
            }
            for pin in pins
        ]
    }


def replace(user: User, playlist_id: str, body: object, uris: Sequence) -> list[Pin]:
    """Replace the playlist's pins with the body's (checked first: a Refused names what is
    wrong, and nothing is stored then)."""
    pins = checked(body, list(uris))
    with db.atomic():
        mine = (PlaylistPin.user == user) & (PlaylistPin.playlist_id == playlist_id)
        PlaylistPin.delete().where(mine).execute()
        for pin in pins:
            PlaylistPin.create(
                user=user,
                playlist_id=playlist_id,
                uri=pin.uri,
                position=pin.position,
                until=pin.until,
            )
    return pins


def checked(body: object, uris: list) -> list[Pin]:
    """The pins of a PUT body; a Refused naming the first thing wrong."""
    if not isinstance(body, list):
        raise Refused("pins must be a list")
    if len(body) > MAX_PINS:
        raise Refused(f"at most {MAX_PINS} pins per playlist")
    pins = [_checked_pin(item, uris) for item in body]
    positions = [pin.position for pin in pins]
    if len(set(positions)) != len(positions):
        raise Refused("two pins share a position")
    return sorted(pins, key=lambda pin: pin.position)


def _checked_pin(item: object, uris: list) -> Pin:
    if not isinstance(item, dict) or not {"uri", "position"} <= item.keys() <= FIELDS:
        raise Refused("each pin is {uri, position, until?}")
    uri, position = item["uri"], item["position"]
    if not isinstance(uri, str) or uri not in uris:
        raise Refused(f"not in the playlist: {uri!r}")
    if isinstance(position, bool) or not isinstance(position, int):
        raise Refused("a pin's position must be an integer")
    if not 0 <= position < len(uris):
        raise Refused(f"position {position} is outside the playlist (0 to {len(uris) - 1})")
    return Pin(uri, position, _until(item.get("until")))


def _until(value: object) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value) if isinstance(value, str) else _bad_until()
    except ValueError:
        return _bad_until()


def _bad_until():
    raise Refused("until must be an ISO date (YYYY-MM-DD) or null")


def _matched(uris: list, pins: Sequence[Pin]) -> dict[Pin, int]:
    """Each pin found in the playlist and the index of the copy it takes (the first free).
    One pass over the playlist, however many pins: a rule orders 10,000 items around them."""
    wanted = {pin.uri for pin in pins}
    copies: dict[str, deque[int]] = {}
    for index, uri in enumerate(uris):
        if uri in wanted:
            copies.setdefault(uri, deque()).append(index)
    found = {}
    for pin in pins:
        free = copies.get(pin.uri)
        if free:
            found[pin] = free.popleft()
    return found


def apply(
    tracks: list[dict], pins: Sequence[Pin], order: Callable[[list[dict]], list[dict]]
) -> list[dict]:
    """tracks ordered by `order` around the pins: each pinned item at its position, or
    at the end when the playlist no longer reaches it; the rest in the order's order."""
    if not pins:
        return order(list(tracks))
    found = _matched([t["uri"] for t in tracks], sorted(pins, key=lambda p: p.position))
    held = set(found.values())
    rest = order([t for i, t in enumerate(tracks) if i not in held])
    return _placed(tracks, found, rest)


def _placed(tracks: list[dict], found: dict[Pin, int], rest: list[dict]) -> list[dict]:
    size = len(tracks)
    slots: dict[int, dict] = {p.position: tracks[i] for p, i in found.items() if p.position < size}
    beyond = [tracks[i] for p, i in found.items() if p.position >= size]
    free = [slot for slot in range(size) if slot not in slots]
    split = len(free) - len(beyond)
    slots.update(zip(free[split:], beyond, strict=True))
    slots.update(zip(free[:split], rest, strict=True))
    return [slots[slot] for slot in range(size)]
