"""Taking playlists away and bringing them in: the export and import operations.

The file formats and the parser are shuffify.playlists.exports (pure); this
module reads Spotify and writes through the change path (issue 19):

- an export reads the playlist once (its metadata and every page), and a
  snapshot's export adds what the live playlist knows of its items;
- the export of everything reads the user's playlist list and then only each
  playlist's pages: the list already carries what the metadata call would;
- an import into a playlist is a change like any other (the claim, an
  automatic snapshot first, one undo step, the fewest calls, completed after
  a failure); an import as a new playlist creates it private, then appends.
"""

import io
import json
import re
import zipfile
from typing import NamedTuple

from shuffify.errors import Forbidden, Refused
from shuffify.models import User, utcnow
from shuffify.playlists import changes, claims, exports, snapshots
from shuffify.spotify import Forbidden as SpotifyForbidden
from shuffify.spotify import NotFound as SpotifyNotFound
from shuffify.spotify import Spotify
from shuffify.spotify import playlists as spotify_playlists

FORMATS = {"json": "application/json", "csv": "text/csv; charset=utf-8"}
ZIP_TYPE = "application/zip"
DEFAULT_NAME = "Imported playlist"
MAX_NAME = 100
NOT_SHARED = "Spotify does not share this playlist's tracks with Shuffify"


class Download(NamedTuple):
    filename: str
    content_type: str
    body: bytes


def checked_format(value: object) -> str:
    if value not in FORMATS:
        raise Refused("format must be json or csv")
    return value


def export_playlist(spotify: Spotify, playlist_id: str, fmt: str) -> Download:
    """The playlist as a file: metadata once, then every page."""
    meta = spotify_playlists.metadata(spotify, playlist_id)
    return _file(meta, _tracks(spotify, playlist_id, meta), fmt)


def export_snapshot(spotify: Spotify, user: User, snapshot_id: int, fmt: str) -> Download:
    """A snapshot as a file, with the names the live playlist still knows."""
    row = snapshots.get(user, snapshot_id)
    meta, known = _live_or_nothing(spotify, row.playlist_id)
    by_uri = {track["uri"]: track for track in known}
    items = [by_uri.get(uri) or {"uri": uri} for uri in snapshots.uris_of(row)]
    meta = {"id": row.playlist_id, "name": meta.get("name") or row.label, **_described(meta)}
    return _file(meta, items, fmt, f"{_slug(meta['name'])}-snapshot-{row.id}")


def _live_or_nothing(spotify: Spotify, playlist_id: str) -> tuple[dict, list[dict]]:
    try:
        meta = spotify_playlists.metadata(spotify, playlist_id)
        return meta, _tracks(spotify, playlist_id, meta)
    except (SpotifyNotFound, SpotifyForbidden, Forbidden):
        return {}, []  # gone or hidden now: the snapshot still has its URIs


def _described(meta: dict) -> dict:
    return {"description": meta.get("description")}


def _tracks(spotify: Spotify, playlist_id: str, meta: dict) -> list[dict]:
    try:
        return spotify_playlists.entries(spotify, playlist_id, meta)
    except SpotifyForbidden:
        raise Forbidden(NOT_SHARED) from None


def _file(meta: dict, items: list[dict], fmt: str, stem: str | None = None) -> Download:
    stem = stem or f"{_slug(meta.get('name'))}-{meta.get('id')}"
    if fmt == "csv":
        return Download(f"{stem}.csv", FORMATS["csv"], exports.to_csv(items))
    return Download(f"{stem}.json", FORMATS["json"], exports.to_json(meta, items, utcnow()))


def _slug(name: object) -> str:
    """A file name part safe in any header and file system: "Road trip!" -> "road-trip"."""
    slug = re.sub(r"[^a-z0-9]+", "-", str(name or "").lower()).strip("-")
    return slug[:60] or "playlist"


def export_all(spotify: Spotify, user: User) -> Download:
    """A zip: one JSON file per playlist the user can edit, and snapshots.json."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        unreadable = []
        for meta in spotify_playlists.editable_playlist_objects(spotify, user.spotify_id):
            try:
                tracks = _tracks(spotify, meta["id"], meta)
            except Forbidden:
                unreadable.append({"id": meta["id"], "name": meta.get("name")})
                continue
            exported = _file(meta, tracks, "json")
            archive.writestr(exported.filename, exported.body)
        archive.writestr("snapshots.json", _snapshots_document(user, unreadable))
    return Download(f"shuffify-export-{utcnow():%Y-%m-%d}.zip", ZIP_TYPE, buffer.getvalue())


def _snapshots_document(user: User, unreadable: list[dict]) -> bytes:
    document = {
        "format": "shuffify-snapshots",
        "version": 1,
        "exported_at": utcnow().isoformat(),
        "unreadable_playlists": unreadable,
        "snapshots": [snapshots.details(row) for row in snapshots.of_user(user)],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def import_into(spotify: Spotify, user: User, playlist_id: str, imported: exports.Imported) -> dict:
    """Make the playlist the file's list; the answer of a change, with "kept" and "skipped"."""
    label = f"import of '{imported.name or 'a file'}'"[:MAX_NAME]
    with claims.held(playlist_id, "import"):
        changes.complete_pending(spotify, user, playlist_id)
        live = changes.load_editable(spotify, user, playlist_id)
        plan = exports.import_plan(imported, live.uris)
        return changes.apply_change(
            spotify, user, live, plan.target, "import", label, kept=plan.kept, skipped=plan.skipped
        )


def checked_name(value: object) -> str | None:
    if value is None:
        return None
    name = value.strip() if isinstance(value, str) else ""
    if not 1 <= len(name) <= MAX_NAME:
        raise Refused(f"name must be 1 to {MAX_NAME} characters")
    return name


def import_new(spotify: Spotify, user: User, imported: exports.Imported, name: str | None) -> dict:
    """A new private playlist holding the file's list: {"playlist_id", "name", ...}."""
    name = (name or imported.name or DEFAULT_NAME)[:MAX_NAME]
    plan = exports.import_plan(imported, [])
    created = spotify_playlists.create(spotify, name, "Imported with Shuffify")
    live = changes.LivePlaylist(created["id"], created.get("snapshot_id"), [])
    with claims.held(live.playlist_id, "import"):
        try:
            changes.apply_change(spotify, user, live, plan.target, "import", "import")
        except changes.WriteInterrupted as interrupted:
            raise changes.WriteInterrupted(
                f"playlist {name!r} was created ({live.playlist_id}) and is being filled: "
                f"{interrupted.message}",
                user,
                live.playlist_id,
            ) from None
    return {
        "playlist_id": live.playlist_id,
        "name": name,
        "item_count": len(plan.target),
        "skipped": plan.skipped,
    }
