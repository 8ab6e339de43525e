"""/api/.../snapshots: keep, list, read, compare, restore and delete playlist versions."""

import bottle

from shuffify.checks import whole_number
from shuffify.playlists import snapshots, versions
from shuffify.web.routes import tools
from shuffify.web.routes.common import (
    api_route,
    checked_playlist_id,
    current_user,
    json_body,
    no_body,
    optional_body,
    spotify,
)
from shuffify.web.services import Services

PLAYLIST = "/api/playlists/<playlist_id>"
# A snapshot id in a path: digits without a leading zero, at most 18 (a 64-bit column); else 404.
SNAPSHOT = "/api/snapshots/<snapshot_id:re:[1-9][0-9]{0,17}>"
MAX_ROW_ID = 10**18 - 1  # as common.ROW_ID allows in a path


def install(app: bottle.Bottle, services: Services) -> None:
    def route(method: str, path: str, handler) -> None:
        app.route(path, method, api_route(services, lambda **kw: handler(services, **ids(kw))))

    route("POST", f"{PLAYLIST}/snapshots", take)
    route("GET", f"{PLAYLIST}/snapshots", listing)
    route("GET", SNAPSHOT, get)
    route("DELETE", SNAPSHOT, delete)
    route("GET", f"{SNAPSHOT}/diff", diff)
    route("POST", f"{SNAPSHOT}/restore", restore)


def ids(arguments: dict) -> dict:
    """The path's arguments, a snapshot id as a number."""
    if "snapshot_id" in arguments:
        return {**arguments, "snapshot_id": int(arguments["snapshot_id"])}
    return arguments


def take(services: Services, playlist_id: str) -> dict:
    body = json_body(("label",)) if bottle.request.content_length else {}  # no body: no label
    label = snapshots.checked_label(body.get("label"))
    playlist_id = checked_playlist_id(playlist_id)
    snapshot, created = versions.take(spotify(services), current_user(), playlist_id, label)
    bottle.response.status = 201 if created else 200
    return snapshot


def listing(services: Services, playlist_id: str) -> dict:
    playlist_id = checked_playlist_id(playlist_id)
    return {"snapshots": snapshots.listing(current_user(), playlist_id)}


def get(services: Services, snapshot_id: int) -> dict:
    return snapshots.details(snapshots.get(current_user(), snapshot_id))


def delete(services: Services, snapshot_id: int) -> str:
    no_body()
    snapshots.delete(current_user(), snapshot_id)
    bottle.response.status = 204
    return ""


def diff(services: Services, snapshot_id: int) -> dict:
    against = bottle.request.query.get("against")
    if against is not None:
        against = whole_number(against, "against", 1, MAX_ROW_ID)
    return versions.diff(spotify(services), current_user(), snapshot_id, against)


def restore(services: Services, snapshot_id: int) -> dict:
    body = optional_body((tools.KEEP_ADDED_DATES,))
    return tools.written(
        body, lambda: versions.restore(spotify(services), current_user(), snapshot_id)
    )
