"""The workshop's routes: save a staged order (and what saving it would cost), search,
external playlists, saved workshop sessions and upstream sources."""

import json

import bottle

from shuffify.errors import Refused
from shuffify.playlists import changes, saved_sessions, sources, workshop
from shuffify.playlists.uris import checked_track_uris
from shuffify.web.routes import tools
from shuffify.web.routes.common import (
    api_route,
    checked_playlist_id,
    current_user,
    json_body,
    no_body,
    spotify,
)
from shuffify.web.services import Services

PLAYLIST = "/api/playlists/<playlist_id>"


def install(app: bottle.Bottle, services: Services) -> None:
    def route(method: str, path: str, handler) -> None:
        app.route(path, method, api_route(services, lambda **kw: handler(services, **kw)))

    route("PUT", f"{PLAYLIST}/tracks", save_tracks)
    route("POST", f"{PLAYLIST}/tracks/cost", save_cost)
    route("GET", "/api/search", find)
    route("GET", "/api/external-playlists", external)
    route("GET", "/api/external-playlists/recent", recent)
    route("GET", f"{PLAYLIST}/sessions", list_sessions)
    route("POST", f"{PLAYLIST}/sessions", create_session)
    route("GET", "/api/sessions/<session_id:id>", get_session)
    route("PUT", "/api/sessions/<session_id:id>", update_session)
    route("DELETE", "/api/sessions/<session_id:id>", delete_session)
    route("GET", f"{PLAYLIST}/sources", list_sources)
    route("POST", f"{PLAYLIST}/sources", add_source)
    route("DELETE", "/api/sources/<source_id:id>", delete_source)


def save_tracks(services: Services, playlist_id: str):
    body = json_body(("track_uris", "snapshot_id", tools.KEEP_ADDED_DATES))
    uris = checked_track_uris(body.get("track_uris"))
    snapshot_id = body.get("snapshot_id")
    if snapshot_id is not None and not isinstance(snapshot_id, str):
        raise Refused("snapshot_id must be a string")
    pid = checked_playlist_id(playlist_id)
    try:
        return tools.written(
            body,
            lambda: workshop.save_tracks(spotify(services), current_user(), pid, uris, snapshot_id),
        )
    except workshop.SnapshotConflict as conflict:
        return _conflict(conflict)


def save_cost(services: Services, playlist_id: str) -> dict:
    """What saving track_uris would cost, both ways, against the live playlist; written
    nowhere. The page asks for it after edits by hand (a preview answers it already)."""
    uris = checked_track_uris(json_body(("track_uris",)).get("track_uris"))
    pid = checked_playlist_id(playlist_id)
    return changes.write_cost(spotify(services), current_user(), pid, uris)


def _conflict(conflict: workshop.SnapshotConflict) -> bottle.HTTPResponse:
    body = {"error": {"status": 409, "message": conflict.message}, "live": conflict.live}
    return bottle.HTTPResponse(json.dumps(body), 409, {"Content-Type": "application/json"})


def find(services: Services) -> dict:
    query = bottle.request.query
    return workshop.find(
        spotify(services),
        query.getunicode("q"),
        query.get("type", "track"),
        query.get("limit", "10"),
        query.get("offset", "0"),
    )


def external(services: Services) -> dict:
    link = bottle.request.query.getunicode("url")
    return workshop.load_external(spotify(services), current_user(), link)


def recent(services: Services) -> dict:
    return {"playlists": workshop.recent(current_user())}


def list_sessions(services: Services, playlist_id: str) -> dict:
    sessions = saved_sessions.list_for(current_user(), checked_playlist_id(playlist_id))
    return {"sessions": sessions}


def create_session(services: Services, playlist_id: str) -> dict:
    body = json_body(saved_sessions.FIELDS)
    session = saved_sessions.create(current_user(), checked_playlist_id(playlist_id), body)
    bottle.response.status = 201
    return session


def get_session(services: Services, session_id: int) -> dict:
    return saved_sessions.as_dict(saved_sessions.get(current_user(), session_id))


def update_session(services: Services, session_id: int) -> dict:
    return saved_sessions.update(current_user(), session_id, json_body(None))


def delete_session(services: Services, session_id: int) -> dict:
    no_body()
    saved_sessions.delete(current_user(), session_id)
    return {"deleted": True}


def list_sources(services: Services, playlist_id: str) -> dict:
    return {"sources": sources.list_for(current_user(), checked_playlist_id(playlist_id))}


def add_source(services: Services, playlist_id: str) -> dict:
    target = checked_playlist_id(playlist_id)
    body = json_body(sources.FIELDS)
    source, created = sources.add(spotify(services), current_user(), target, body)
    bottle.response.status = 201 if created else 200
    return source


def delete_source(services: Services, source_id: int) -> dict:
    no_body()
    sources.delete(current_user(), source_id)
    return {"deleted": True}
