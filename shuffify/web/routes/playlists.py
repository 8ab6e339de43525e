"""/api/playlists: the user's editable playlists, and one playlist with every item."""

import bottle

from shuffify.playlists import changes, versions
from shuffify.spotify import playlists
from shuffify.web.routes.common import api_route, checked_playlist_id, current_user, spotify
from shuffify.web.services import Services


def install(app: bottle.Bottle, services: Services) -> None:
    app.get("/api/playlists", callback=api_route(services, lambda: list_playlists(services)))
    app.get(
        "/api/playlists/<playlist_id>",
        callback=api_route(services, lambda playlist_id: get_playlist(services, playlist_id)),
    )


def list_playlists(services: Services) -> dict:
    user = current_user()
    return {"playlists": playlists.editable_playlists(spotify(services), user.spotify_id)}


def get_playlist(services: Services, playlist_id: str) -> dict:
    playlist_id = checked_playlist_id(playlist_id)
    user = current_user()
    changes.settle(spotify(services), user, playlist_id)  # finish a write first
    playlist = playlists.read(spotify(services), playlist_id)
    if playlist["tracks"] is None:
        return {**playlist, "outside_changes": None}
    live = [track["uri"] for track in playlist["tracks"]]
    return {**playlist, "outside_changes": versions.outside_changes(user, playlist_id, live)}
