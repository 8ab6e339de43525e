"""The one description of every source, filter and sink type, and the validation built on it.

GET /api/rule-steps answers describe(); checked_definition() refuses what it
does not allow with a message naming the place ("filters[2].days: must be a
whole number from 1 to 3650"), so the page, the API and the runner agree on
what a rule may say, from one table.
"""

import re
from dataclasses import dataclass

from shuffify import shuffle
from shuffify.errors import Refused
from shuffify.playlists.uris import playlist_id_from

MAX_SOURCES = 10
MAX_FILTERS = 20
COMBINES = ("concat", "alternate", "shuffle")
MAX_PATTERN = 200
# A quantified group that itself holds a quantifier, or a back-reference: the shapes
# that can take exponential time on Python's backtracking engine.
SLOW_PATTERN = re.compile(r"\([^)]*[*+}][^)]*\)\s*[*+{?]|\\[1-9]")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # integer | text | boolean | choice | playlist | names | pattern
    required: bool = True
    default: object = None
    low: int | None = None
    high: int | None = None
    choices: tuple = ()

    def describe(self) -> dict:
        return {
            "name": self.name,
            "type": self.kind,
            "required": self.required,
            "default": self.default,
            "min": self.low,
            "max": self.high,
            "choices": list(self.choices) or None,
        }


DAYS = Param("days", "integer", low=1, high=3650)
PLAYLIST = Param("playlist_id", "playlist")
SOURCES = {
    "playlist": ("one of your own or collaborative playlists", (PLAYLIST,)),
    "liked": ("your Liked Songs (needs the user-library-read permission)", ()),
    "search": (
        "the first tracks of a Spotify search",
        (Param("query", "text", high=200), Param("limit", "integer", False, 10, 1, 50)),
    ),
    "target": ("the target playlist's own tracks", ()),
}
FILTERS = {
    "dedupe": (
        "keep the first copy of each track",
        (Param("match", "choice", False, "exact", choices=("exact", "same_song")),),
    ),
    "exclude_playlist": ("drop what is in that playlist", (PLAYLIST,)),
    "exclude_artists": ("drop these artists' tracks", (Param("artists", "names"),)),
    "title": (
        "only titles matching a pattern, or only those not matching",
        (Param("pattern", "pattern"), Param("exclude", "boolean", False, False)),
    ),
    "duration": (
        "only tracks of this length, in seconds",
        (
            Param("min_s", "integer", False, None, 0, 86400),
            Param("max_s", "integer", False, None, 0, 86400),
        ),
    ),
    "explicit": ("allow explicit tracks or not", (Param("allow", "boolean"),)),
    "release_year": (
        "only tracks released in these years",
        (
            Param("min", "integer", False, None, 1000, 9999),
            Param("max", "integer", False, None, 1000, 9999),
        ),
    ),
    "added_within_days": ("only tracks added in the last N days", (DAYS,)),
    "added_before_days": ("only tracks added more than N days ago", (DAYS,)),
    "max_per_artist": (
        "at most N tracks of each artist",
        (Param("count", "integer", low=1, high=10000),),
    ),
    "limit": (
        "keep N tracks",
        (
            Param("count", "integer", low=1, high=10000),
            Param(
                "from",
                "choice",
                False,
                "first",
                choices=("first", "last", "random", "newest", "oldest"),
            ),
        ),
    ),
}
SINK_EXTRAS = (
    Param("max_size", "integer", False, None, 1, 10000),
    Param("archive_playlist_id", "playlist", False),
)
SINKS = {
    "replace": ("the target becomes the result", ()),
    "append_new": ("append the result's tracks the target lacks", ()),
    "drip": (
        "append at most N new tracks per run",
        (Param("count", "integer", low=1, high=10000),),
    ),
    "inbox": ("stage new tracks for you to accept or dismiss", ()),
}


def describe() -> dict:
    """Every source, filter and sink type with its parameters, ready for JSON."""

    def listed(table: dict, extra: tuple = ()) -> list[dict]:
        return [
            {
                "type": name,
                "description": text,
                "parameters": [p.describe() for p in params + extra],
            }
            for name, (text, params) in table.items()
        ]

    return {
        "sources": listed(SOURCES),
        "combine": list(COMBINES),
        "filters": listed(FILTERS),
        "sinks": listed(SINKS, SINK_EXTRAS),
        "order": "null, or {algorithm, params}: any entry of GET /api/algorithms",
        "limits": {"sources": MAX_SOURCES, "filters": MAX_FILTERS},
    }


def refuse(place: str, message: str):
    raise Refused(f"{place}: {message}")


def checked_definition(body: dict) -> dict:
    """The definition (sources, combine, filters, order, sink) of a rule body, checked."""
    sources = _list(body.get("sources"), "sources", 1, MAX_SOURCES)
    filters = _list(body.get("filters", []), "filters", 0, MAX_FILTERS)
    combine = body.get("combine", "concat")
    if combine not in COMBINES:
        refuse("combine", f"must be one of {', '.join(COMBINES)}")
    return {
        "sources": [_step(SOURCES, s, f"sources[{i}]", "type") for i, s in enumerate(sources)],
        "combine": combine,
        "filters": [_step(FILTERS, f, f"filters[{i}]", "type") for i, f in enumerate(filters)],
        "order": _order(body.get("order")),
        "sink": _step(SINKS, body.get("sink", {"mode": "replace"}), "sink", "mode", SINK_EXTRAS),
    }


def _list(value: object, place: str, low: int, high: int) -> list:
    if not isinstance(value, list) or not low <= len(value) <= high:
        refuse(place, f"must be a list of {low} to {high} entries")
    return value


def _step(table: dict, given: object, place: str, key: str, extra: tuple = ()) -> dict:
    if not isinstance(given, dict):
        refuse(place, "must be an object")
    kind = given.get(key)
    if kind not in table:
        refuse(f"{place}.{key}", f"must be one of {', '.join(table)}")
    params = table[kind][1] + extra
    unknown = sorted(set(given) - {key} - {p.name for p in params})
    if unknown:
        refuse(f"{place}.{unknown[0][:80]}", "is not a parameter of this step")
    checked = {key: kind}
    for param in params:
        value = _value(param, given.get(param.name), f"{place}.{param.name}")
        if value is not None:
            checked[param.name] = value
    return _consistent(checked, place)


def _consistent(step: dict, place: str) -> dict:
    for low, high in (("min_s", "max_s"), ("min", "max")):
        if step.get(low) is not None and step.get(high) is not None and step[low] > step[high]:
            refuse(f"{place}.{high}", f"must not be below {low}")
    return step


def _value(param: Param, value: object, place: str) -> object:
    if value is None:
        if param.required:
            refuse(place, "is required")
        return param.default
    return CHECKS[param.kind](param, value, place)


def _integer(param: Param, value: object, place: str) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not param.low <= value <= param.high
    ):
        refuse(place, f"must be a whole number from {param.low} to {param.high}")
    return value


def _text(param: Param, value: object, place: str) -> str:
    if not isinstance(value, str) or not 1 <= len(value.strip()) <= param.high:
        refuse(place, f"must be text of 1 to {param.high} characters")
    return value.strip()


def _boolean(param: Param, value: object, place: str) -> bool:
    if not isinstance(value, bool):
        refuse(place, "must be true or false")
    return value


def _choice(param: Param, value: object, place: str) -> str:
    if value not in param.choices:
        refuse(place, f"must be one of {', '.join(param.choices)}")
    return value


def _playlist(param: Param, value: object, place: str) -> str:
    playlist_id = playlist_id_from(value) if isinstance(value, str) else None
    if playlist_id is None:
        refuse(place, "must be a playlist ID, URI or link")
    return playlist_id


def _names(param: Param, value: object, place: str) -> list[str]:
    ok = isinstance(value, list) and 1 <= len(value) <= 100
    if not ok or not all(isinstance(n, str) and 1 <= len(n.strip()) <= 200 for n in value):
        refuse(place, "must be a list of 1 to 100 names")
    return [name.strip() for name in value]


def _pattern(param: Param, value: object, place: str) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_PATTERN:
        refuse(place, f"must be a regular expression of 1 to {MAX_PATTERN} characters")
    if SLOW_PATTERN.search(value):
        refuse(place, "nested repetition and back-references can run for very long: simplify it")
    try:
        re.compile(value)
    except re.error as error:
        refuse(place, f"is not a valid regular expression ({error})")
    return value


CHECKS = {
    "integer": _integer,
    "text": _text,
    "boolean": _boolean,
    "choice": _choice,
    "playlist": _playlist,
    "names": _names,
    "pattern": _pattern,
}


def _order(order: object) -> dict | None:
    if order is None:
        return None
    if not isinstance(order, dict) or set(order) - {"algorithm", "params"}:
        refuse("order", "must be null or {algorithm, params}")
    params = order.get("params") or {}
    try:
        checked = shuffle.validate_params(order.get("algorithm"), params)
    except shuffle.InvalidParams as invalid:
        refuse("order", str(invalid))
    return {"algorithm": order["algorithm"], "params": {k: v for k, v in checked.items()}}
