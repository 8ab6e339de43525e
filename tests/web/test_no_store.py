"""Every /api answer says `Cache-Control: no-store`, errors included (issue 17).

/api/me holds the CSRF token and every other /api answer the user's own
playlists, schedules and sessions: a shared cache or the browser's back
button must keep none of them. Each kind of answer is here (success, a
returned 409, errors raised by a route, by Bottle's router and by an
exception), in-process, on SQLite and PostgreSQL. Static files keep their
own long cache lifetime: the header is for /api only.
"""

import pytest
from wsgi_client import Client

MAX_BODY = 512 * 1024


@pytest.fixture
def ada(sign_in, fake_spotify, spotify_app):
    spotify_app.get("/api/boom", callback=lambda: 1 / 0)
    signed_in = sign_in("ada")
    signed_in.playlist = fake_spotify.add_playlist("ada", "Mine", [fake_spotify.track()])
    return signed_in


ANSWERS = {  # name: (how to ask, the status)
    "me": (lambda ada: ada.get("/api/me"), 200),
    "created": (
        lambda ada: ada.post(
            f"/api/playlists/{ada.playlist}/sessions", {"session_name": "A", "track_uris": []}
        ),
        201,
    ),
    "no such schedule": (lambda ada: ada.post("/api/schedules/1/run"), 404),
    "bad body": (lambda ada: ada.post(f"/api/playlists/{ada.playlist}/shuffle", {"x": 1}), 400),
    "not signed in": (lambda ada: Client(ada.client.app).get("/api/me"), 401),
    "no CSRF token": (lambda ada: ada.write("DELETE", "/api/me", csrf=""), 403),
    "no such route": (lambda ada: ada.get("/api/no/such/thing"), 404),
    "bad row id": (lambda ada: ada.get("/api/sessions/007"), 404),
    "wrong method": (lambda ada: ada.patch("/api/me", {}), 405),
    "stale snapshot": (
        lambda ada: ada.put(
            f"/api/playlists/{ada.playlist}/tracks", {"track_uris": [], "snapshot_id": "old"}
        ),
        409,
    ),
    "too large": (
        lambda ada: ada.client.request(
            "PUT", "/api/sessions/1", b" " * (MAX_BODY + 1), {"X-CSRF-Token": ada.csrf}
        ),
        413,
    ),
    "exception": (lambda ada: ada.get("/api/boom"), 500),
}


@pytest.mark.parametrize("answer", ANSWERS)
def test_every_api_answer_carries_no_store(ada, answer):
    ask, status = ANSWERS[answer]
    response = ask(ada)
    assert response.status == status, response.raw
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"  # the other headers stay


def test_control_static_files_keep_their_cache_lifetime(ada):
    response = ada.get("/static/api.js")
    assert response.status == 200
    assert response.headers["Cache-Control"].startswith("public, max-age=")
