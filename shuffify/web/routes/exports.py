"""Export and import routes: playlist and snapshot files, the zip of everything, imports.

Downloads answer with Content-Disposition: attachment. The import routes take
a file (multipart field `file`) or a JSON body in the export format, of up to
8 MB: only they read a body that large (every other route keeps
common.MAX_BODY_BYTES). Nothing of a file is logged.
"""

import json

import bottle

from shuffify.errors import Refused
from shuffify.playlists import exports, transfer
from shuffify.web.routes.common import api_route, checked_playlist_id, current_user, spotify
from shuffify.web.routes.snapshots import SNAPSHOT, ids
from shuffify.web.services import Services

PLAYLIST = "/api/playlists/<playlist_id>"
MULTIPART_SLACK = 64 * 1024  # room for the boundaries and part headers around the file
TOO_DEEP = "the JSON is nested too deeply to be an export"


def install(app: bottle.Bottle, services: Services) -> None:
    def route(method: str, path: str, handler) -> None:
        app.route(path, method, api_route(services, lambda **kw: handler(services, **ids(kw))))

    route("GET", f"{PLAYLIST}/export", export_playlist)
    route("GET", f"{SNAPSHOT}/export", export_snapshot)
    route("GET", "/api/export", export_all)
    route("POST", f"{PLAYLIST}/import", import_into)
    route("POST", "/api/import", import_new)


def _format() -> str:
    return transfer.checked_format(bottle.request.query.get("format", "json"))


def _download(download: transfer.Download) -> bytes:
    bottle.response.content_type = download.content_type
    disposition = f'attachment; filename="{download.filename}"'
    bottle.response.set_header("Content-Disposition", disposition)
    return download.body


def export_playlist(services: Services, playlist_id: str) -> bytes:
    playlist_id = checked_playlist_id(playlist_id)
    return _download(transfer.export_playlist(spotify(services), playlist_id, _format()))


def export_snapshot(services: Services, snapshot_id: int) -> bytes:
    fmt = _format()
    return _download(transfer.export_snapshot(spotify(services), current_user(), snapshot_id, fmt))


def export_all(services: Services) -> bytes:
    return _download(transfer.export_all(spotify(services), current_user()))


def import_into(services: Services, playlist_id: str) -> dict:
    playlist_id = checked_playlist_id(playlist_id)
    imported, _ = uploaded()
    return transfer.import_into(spotify(services), current_user(), playlist_id, imported)


def import_new(services: Services) -> dict:
    imported, name = uploaded()
    answer = transfer.import_new(
        spotify(services), current_user(), imported, transfer.checked_name(name)
    )
    bottle.response.status = 201
    return answer


def uploaded() -> tuple[exports.Imported, object]:
    """The file of an import request, parsed, and the "name" sent with it (if any)."""
    try:
        raw = _bounded_body(exports.MAX_IMPORT_BYTES + MULTIPART_SLACK)
        if bottle.request.content_type.startswith("multipart/form-data"):
            return _from_form()
        document = _json_document(raw)
        name = document.pop("name", None) if isinstance(document, dict) else None
        return exports.from_document(document), name
    finally:
        bottle.request.body.close()  # bottle spools a large body to a file it never closes


def _bounded_body(limit: int) -> bytes:
    """The request body, or 413 beyond `limit` bytes (read no further than that)."""
    if bottle.request.content_length > limit:
        exports.check_import_size(bottle.request.content_length)
    raw = bottle.request.body.read(limit + 1)  # chunked bodies have no length
    if len(raw) > limit:
        exports.check_import_size(len(raw))
    return raw


def _from_form() -> tuple[exports.Imported, object]:
    try:
        upload = bottle.request.files.get("file")
        name = bottle.request.forms.getunicode("name")
    except bottle.MultipartError:
        raise Refused("the upload is not a valid multipart form") from None
    if upload is None:
        raise Refused('send the file as the multipart field "file"')
    with upload.file:
        data = upload.file.read(exports.MAX_IMPORT_BYTES + 1)
    return _parsed(lambda: exports.parse_import(data, upload.raw_filename)), name


def _json_document(raw: bytes) -> object:
    try:
        return json.loads(raw or b"null")
    except RecursionError:
        raise Refused(TOO_DEEP) from None
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError among them
        line = f"line {error.lineno}: " if isinstance(error, json.JSONDecodeError) else ""
        raise Refused(f"{line}the request body is not a JSON export") from None


def _parsed(parse) -> exports.Imported:
    try:
        return parse()
    except RecursionError:
        raise Refused(TOO_DEEP) from None
