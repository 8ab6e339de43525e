"""Sort in place: order a playlist by a field instead of at random.

It is an algorithm of the registry, not a tool of its own, so that preview,
schedules and (later) rules get it for free, and so that writing it goes
through the same change path (history, undo, keep_added_dates). People sort
by "Date Added" above all, and `newest_first` is the original's name for
that order. The sort is stable (equal keys keep their order, so sorting by
artist after sorting by album groups albums within artists), text compares
case- and accent-insensitively ("Édith" next to "edith"), and items without
the field go last in either direction: a playlist's unknowns are never the
first thing heard.
"""

import random
import unicodedata
from collections.abc import Callable

from shuffify.shuffle.definitions import Algorithm, Parameter

FIELDS = ("added_at", "title", "artist", "album", "release_date", "duration")
DIRECTIONS = ("asc", "desc")


def folded(text: object) -> str | None:
    """Text as it compares: NFKD, combining marks dropped, casefolded; None when empty."""
    if not isinstance(text, str) or not text.strip():
        return None
    if text.isascii():
        # The common case, 20 times faster: ASCII has no decompositions and no marks,
        # and casefold() is lower() on it.
        return text.lower().strip()
    return unicodedata.normalize("NFKD", text).translate(_WITHOUT_MARKS).casefold().strip()


class _WithoutMarks(dict):
    """str.translate's table dropping combining marks: code point -> None for a mark, else
    itself; filled as characters are met, so translating runs at C speed once they are."""

    def __missing__(self, code_point: int) -> int | None:
        self[code_point] = value = None if unicodedata.combining(chr(code_point)) else code_point
        return value


_WITHOUT_MARKS = _WithoutMarks()


class Folded(dict):
    """folded() of each text looked up, worked out once: for passes over many tracks."""

    def __missing__(self, text: object) -> str | None:
        self[text] = value = folded(text)
        return value


def _first_artist(track: dict) -> str | None:
    artists = track.get("artists") or []
    return folded(artists[0]) if artists else None


def _duration(track: dict) -> int | None:
    duration = track.get("duration_ms")
    return duration if isinstance(duration, int) and not isinstance(duration, bool) else None


def _plain(name: str) -> Callable[[dict], str | None]:
    """ISO dates and times compare as text: '2001' < '2001-05' < '2001-05-14'."""
    return lambda track: track.get(name) if isinstance(track.get(name), str) else None


KEYS: dict[str, Callable[[dict], object]] = {
    "added_at": _plain("added_at"),
    "title": lambda track: folded(track.get("name")),
    "artist": _first_artist,
    "album": lambda track: folded(track.get("album")),
    "release_date": _plain("release_date"),
    "duration": _duration,
}


def sort_tracks(tracks: list[dict], rng: random.Random, by: str, direction: str) -> list[dict]:
    """Tracks ordered by `by`; stable; those without the field last. rng is unused."""
    key = KEYS[by]
    keyed = [(key(track), track) for track in tracks]
    present = [pair for pair in keyed if pair[0] is not None]
    absent = [track for value, track in keyed if value is None]
    ordered = sorted(present, key=lambda pair: pair[0], reverse=direction == "desc")
    return [track for _, track in ordered] + absent


def newest_first(tracks: list[dict], rng: random.Random) -> list[dict]:
    return sort_tracks(tracks, rng, "added_at", "desc")


SORT = Algorithm(
    name="sort",
    title="Sort",
    description="Order by a field (date added, title, artist, album, release date or "
    "duration); items without it go last.",
    parameters=(
        Parameter(
            name="by",
            type="string",
            default="added_at",
            choices=FIELDS,
            description="The field to sort by.",
        ),
        Parameter(
            name="direction",
            type="string",
            default="asc",
            choices=DIRECTIONS,
            description="asc: A to Z, oldest or shortest first; desc: the reverse.",
        ),
    ),
    function=sort_tracks,
)

NEWEST_FIRST = Algorithm(
    name="newest_first",
    title="Newest first",
    description="The tracks added most recently first (sort by date added, descending).",
    parameters=(),
    function=newest_first,
)
