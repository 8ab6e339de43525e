"""/api/algorithms and a playlist's order: shuffle, preview, undo, redo, history."""

import bottle

from shuffify import shuffle
from shuffify.errors import Refused
from shuffify.playlists import changes, history
from shuffify.web.routes import tools
from shuffify.web.routes.common import (
    api_route,
    checked_playlist_id,
    current_user,
    json_body,
    optional_body,
    spotify,
)
from shuffify.web.services import Services


def install(app: bottle.Bottle, services: Services) -> None:
    app.get("/api/algorithms", callback=api_route(services, algorithms))
    playlist = "/api/playlists/<playlist_id>"
    for method, path, handler in (
        ("POST", f"{playlist}/shuffle", shuffle_playlist),
        ("POST", f"{playlist}/preview", preview),
        ("POST", f"{playlist}/undo", undo),
        ("POST", f"{playlist}/redo", redo),
        ("GET", f"{playlist}/history", playlist_history),
    ):
        app.route(path, method, api_route(services, _with(services, handler)))


def _with(services: Services, handler):
    return lambda playlist_id: handler(services, checked_playlist_id(playlist_id))


def algorithms() -> dict:
    return {"algorithms": shuffle.describe()}


def _algorithm_and_params(body: dict) -> tuple[str, object]:
    algorithm = body.get("algorithm")
    if not isinstance(algorithm, str):
        raise Refused("algorithm must be the name of an algorithm (see /api/algorithms)")
    return algorithm, body.get("params", {})


def shuffle_playlist(services: Services, playlist_id: str) -> dict:
    body = json_body(("algorithm", "params", tools.KEEP_ADDED_DATES))
    algorithm, params = _algorithm_and_params(body)
    return tools.written(
        body,
        lambda: changes.shuffle_playlist(
            spotify(services), current_user(), playlist_id, algorithm, params
        ),
    )


def preview(services: Services, playlist_id: str) -> dict:
    body = json_body(("algorithm", "params", "track_uris"))
    algorithm, params = _algorithm_and_params(body)
    uris = body.get("track_uris")
    if uris is not None and not (isinstance(uris, list) and all(isinstance(u, str) for u in uris)):
        raise Refused("track_uris must be a list of Spotify URIs")
    return changes.preview(
        spotify(services), current_user(), playlist_id, algorithm, params, uris
    )


def undo(services: Services, playlist_id: str) -> dict:
    body = optional_body((tools.KEEP_ADDED_DATES,))
    return tools.written(
        body, lambda: changes.step(spotify(services), current_user(), playlist_id, -1)
    )


def redo(services: Services, playlist_id: str) -> dict:
    body = optional_body((tools.KEEP_ADDED_DATES,))
    return tools.written(
        body, lambda: changes.step(spotify(services), current_user(), playlist_id, +1)
    )


def playlist_history(services: Services, playlist_id: str) -> dict:
    record = history.history_of(current_user(), playlist_id)
    return {"steps": history.listing(record), **history.summary(record)}
