"""Taking a playlist away and bringing one in: the export files and the import parser.

Spotify keeps no earlier versions of a playlist and has no export, so people
keep files (issue 19). We write two: JSON with the playlist's details, and CSV
for spreadsheets (RFC 4180, UTF-8, artists joined with ", "). We read those
two and Exportify's CSV, the export most people already have: its "Track URI"
column, rows in order (Exportify translates its headers; "Track-URI" and
"track_uri" are read too). Anything else is refused, naming the line, before
anything is written; so is a file over 8 MB or 10,000 items, with 413.

The parser cannot know what is live, so it keeps every entry the file names
in order, local files and unavailable entries (an empty or null URI)
included, and skips only what is no Spotify URI at all. import_plan() then
merges the list with the live playlist (shuffify.playlists.merge): a local
file that is still in the playlist keeps its place, one that is not is
skipped with its reason, like an unavailable entry.
"""

import csv
import io
import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import PureWindowsPath
from typing import NamedTuple

from shuffify.errors import Refused
from shuffify.playlists.merge import Restore, restore
from shuffify.playlists.uris import MAX_TRACKS, is_item_uri

FORMAT = "shuffify-playlist"
FORMAT_VERSION = 1
CSV_COLUMNS = ("uri", "name", "artists", "album", "duration_ms", "added_at", "is_local")
EXPORTIFY_URI_COLUMN = "trackuri"  # "Track URI", lowercased, letters and digits only
MAX_IMPORT_BYTES = 8 * 1024 * 1024
MAX_IMPORT_ITEMS = MAX_TRACKS
NOT_A_URI = "not a Spotify track, episode or local-file URI"
UNKNOWN_FILE = (
    "the file is neither a Shuffify export (JSON or CSV) nor an Exportify CSV: "
    'its first line names no "uri" or "Track URI" column'
)


class ImportRefused(Refused):
    """A file we cannot import; the message names the line (or the JSON item)."""


class Imported(NamedTuple):
    name: str | None  # the playlist's name in the file, else the file's name
    items: list[str | None]  # track, episode and local-file URIs, None if unavailable
    skipped: list[dict]  # entries that are no Spotify URI: {"line"|"position", "uri", "reason"}
    places: list[dict]  # where each of items is in the file: {"line": n} or {"position": i}


# Export


def to_json(playlist_meta: dict, items: Sequence[dict], exported_at: datetime | str) -> bytes:
    """The JSON export: the playlist's id, name and description and every item in order."""
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": _iso_time(exported_at),
        "playlist": {key: playlist_meta.get(key) for key in ("id", "name", "description")},
        "items": [export_item(item) for item in items],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def export_item(item: dict) -> dict:
    """A track as the app shapes it (shuffify.spotify.shapes, plus added_at) as exported."""
    uri = item.get("uri")
    return {
        "uri": uri,
        "name": item.get("name"),
        "artists": _artist_names(item.get("artists")),
        "album": item.get("album"),
        "duration_ms": item.get("duration_ms"),
        "added_at": item.get("added_at"),
        "is_local": bool(item.get("is_local")) or str(uri).startswith("spotify:local:"),
    }


def _artist_names(artists) -> list[str]:
    return [a.get("name") if isinstance(a, dict) else a for a in artists or []]


def _iso_time(moment: datetime | str) -> str:
    if isinstance(moment, str):
        return moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_csv(items: Sequence[dict]) -> bytes:
    """The CSV export: a header row, then one row per item in order."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_csv_row(export_item(item)) for item in items)
    return out.getvalue().encode("utf-8")


def _csv_row(item: dict) -> list[str]:
    return [
        item["uri"] or "",
        item["name"] or "",
        ", ".join(name for name in item["artists"] if name),
        item["album"] or "",
        "" if item["duration_ms"] is None else str(item["duration_ms"]),
        item["added_at"] or "",
        "true" if item["is_local"] else "false",
    ]


# Import


def check_import_size(size: int) -> None:
    """A 413 for a file over 8 MB (the route can call it with the Content-Length first)."""
    if size > MAX_IMPORT_BYTES:
        raise ImportRefused(
            f"the file is {size / 1024 / 1024:.1f} MB; at most 8 MB can be imported", status=413
        )


def parse_import(data: bytes, filename: str | None = None) -> Imported:
    """Our JSON, our CSV or Exportify's CSV as a list of URIs; ImportRefused otherwise."""
    check_import_size(len(data))
    text = _utf8(data)
    if text.lstrip()[:1] in ("{", "["):
        return from_document(_json(text), name_from_file(filename))
    return _from_csv(text, name_from_file(filename))


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportRefused(f"line {line}: the file is not UTF-8 text") from None


def _json(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRefused(
            f"line {error.lineno}: not valid JSON ({error.msg}, column {error.colno})"
        ) from None


def name_from_file(filename: str | None) -> str | None:
    """A playlist name from an uploaded file's name: "road_trip.csv" -> "road trip"."""
    stem = PureWindowsPath(filename or "").stem  # the last part, / or \\ separated
    name = re.sub(r"\s+", " ", stem.replace("_", " ")).strip()
    return name or None


def from_document(document: object, fallback_name: str | None = None) -> Imported:
    """Our JSON export, parsed (a file, or the JSON body of an import request)."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportRefused(f'line 1: a JSON file must be a Shuffify export ("format": "{FORMAT}")')
    if document.get("version") != FORMAT_VERSION:
        raise ImportRefused(
            f"line 1: export version {document.get('version')!r} is not one this Shuffify "
            f"reads (version {FORMAT_VERSION})"
        )
    entries = document.get("items")
    if not isinstance(entries, list):
        raise ImportRefused('line 1: the export has no "items" list')
    _check_item_count(len(entries))
    playlist = document.get("playlist") if isinstance(document.get("playlist"), dict) else {}
    name = playlist.get("name") if isinstance(playlist.get("name"), str) else None
    collected = _Collected()
    for position, entry in enumerate(entries):
        collected.add({"position": position}, _json_item_uri(entry, position))
    return collected.imported(name or fallback_name)


def _json_item_uri(entry: object, position: int) -> str:
    if not isinstance(entry, dict) or "uri" not in entry:
        raise ImportRefused(f'items[{position}] is not an item ({{"uri": ...}})')
    uri = entry["uri"]
    if uri is not None and not isinstance(uri, str):
        raise ImportRefused(f"items[{position}]: the uri must be a string or null")
    return uri or ""


def _place_label(place: dict) -> str:
    return f"line {place['line']}" if "line" in place else f"items[{place['position']}]"


def _check_item_count(count: int) -> None:
    if count > MAX_IMPORT_ITEMS:
        raise ImportRefused(
            f"the file holds more than {MAX_IMPORT_ITEMS:,} items: at most that can be imported",
            status=413,
        )


class _Collected:
    """Items and skipped entries as they are read, each with its place in the file."""

    def __init__(self):
        self.items: list[str | None] = []
        self.places: list[dict] = []
        self.skipped: list[dict] = []

    def add(self, place: dict, text: str) -> None:
        uri = text.strip()
        if not uri or is_item_uri(uri):
            self.items.append(uri or None)
            self.places.append(place)
        else:
            self.skipped.append({**place, "uri": uri[:200], "reason": NOT_A_URI})

    def imported(self, name: str | None) -> Imported:
        if self.skipped and not self.items:
            first = self.skipped[0]
            raise ImportRefused(
                f"{_place_label(first)}: {first['uri']!r} is {NOT_A_URI}, "
                "and no entry of the file names one"
            )
        return Imported(name, self.items, self.skipped, self.places)


def _from_csv(text: str, name: str | None) -> Imported:
    rows = _numbered_rows(csv.reader(io.StringIO(text, newline=""), strict=True))
    _, header = next(rows, (1, None))
    if not header:
        raise ImportRefused("line 1: the file is empty")
    column = _uri_column(header)
    collected = _Collected()
    for line, row in _data_rows(rows, len(header)):
        collected.add({"line": line}, row[column])
    return collected.imported(name)


def _data_rows(rows, width: int):
    """The rows that are not blank, each as wide as the header, at most MAX_IMPORT_ITEMS."""
    count = 0
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue  # blank lines, and the empty rows spreadsheets leave
        if len(row) != width:
            raise ImportRefused(f"line {line}: {len(row)} fields where the header has {width}")
        count += 1
        _check_item_count(count)
        yield line, row


def _numbered_rows(reader):
    """(line where the row starts, row); a malformed row is refused with its line."""
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ImportRefused(f"line {line}: not valid CSV ({error})") from None
        yield line, row


def _uri_column(header: list[str]) -> int:
    """Where the URIs are: our header exactly, or Exportify's "Track URI" column."""
    cells = [cell.strip() for cell in header]
    if tuple(cells) == CSV_COLUMNS:
        return 0
    simplified = [re.sub(r"[^0-9a-z]", "", cell.lower()) for cell in cells]
    if EXPORTIFY_URI_COLUMN in simplified:
        return simplified.index(EXPORTIFY_URI_COLUMN)
    raise ImportRefused(f"line 1: {UNKNOWN_FILE}")


def import_plan(imported: Imported, live: Sequence[str | None]) -> Restore:
    """The order an import writes over `live`, and everything skipped with its place.

    The playlist becomes the file's list: live entries not in it are removed
    (but for unavailable ones, which cannot be: they stay at the end, in
    `kept`); local files and unavailable entries of the file that are not live
    are skipped, as are the entries that are no URI at all.
    """
    merged = restore(imported.items, base=live, live=live)
    unplaced = [
        {**imported.places[entry["position"]], "uri": entry["uri"], "reason": entry["reason"]}
        for entry in merged.skipped
    ]
    skipped = sorted(imported.skipped + unplaced, key=lambda e: e.get("line", e.get("position")))
    return Restore(merged.target, merged.kept, skipped)
