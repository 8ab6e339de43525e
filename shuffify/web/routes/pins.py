"""A playlist's pins (issue 20): GET lists them against the live playlist (expired ones
pruned, those whose item left marked missing); PUT replaces them, checked against it."""

import bottle

from shuffify.playlists import changes, pins
from shuffify.web.routes.common import (
    api_route,
    checked_playlist_id,
    current_user,
    json_body,
    spotify,
)
from shuffify.web.services import Services


def install(app: bottle.Bottle, services: Services) -> None:
    path = "/api/playlists/<playlist_id>/pins"
    app.get(path, callback=api_route(services, lambda playlist_id: read(services, playlist_id)))
    app.put(path, callback=api_route(services, lambda playlist_id: write(services, playlist_id)))


def read(services: Services, playlist_id: str) -> dict:
    playlist_id, user = checked_playlist_id(playlist_id), current_user()
    live = changes.load_editable(spotify(services), user, playlist_id)
    return pins.listed(user, playlist_id, live.uris)


def write(services: Services, playlist_id: str) -> dict:
    playlist_id, user = checked_playlist_id(playlist_id), current_user()
    body = json_body(("pins",))
    live = changes.load_editable(spotify(services), user, playlist_id)
    pins.replace(user, playlist_id, body.get("pins"), live.uris)
    return pins.listed(user, playlist_id, live.uris)
