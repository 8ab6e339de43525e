"""A pause set by one process is honoured by another (issue 22): shuffify.limits.pause across
real `python app.py` processes on one database (SQLite file, PostgreSQL).

The first process meets Spotify's 429 with a Retry-After of 13.6 hours and a quota message;
the second, which never saw that answer, answers its own page request at once with 503 and
the same pause, without calling Spotify.
"""

import http.client
import json

from app_processes import process_settings, signed_in_session
from signed_in import SignedIn

SECRET_KEY = "pause-test-secret-key-0123456789abcdefgh"
QUOTA = {"error": {"status": 429, "message": "API rate limit exceeded: daily quota"}}
RETRY_AFTER = 48925


def get(process, ada: SignedIn, path: str) -> tuple[int, dict, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", process.port, timeout=30)
    cookies = "; ".join(f"{k}={v}" for k, v in ada.client.cookies.items())
    try:
        connection.request("GET", path, headers={"Cookie": cookies})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), json.loads(response.read())
    finally:
        connection.close()


def test_a_pause_set_by_one_process_is_honoured_by_another(
    db_url, fake_spotify, apps, make_settings
):
    ada = signed_in_session(fake_spotify, db_url, make_settings, SECRET_KEY)
    pid = fake_spotify.add_playlist("ada", "Mix", [fake_spotify.track() for _ in range(60)])
    first = apps(
        "first", **process_settings(fake_spotify, db_url, SECRET_KEY, SCHEDULER_ENABLED="false")
    )
    second = apps(
        "second", **process_settings(fake_spotify, db_url, SECRET_KEY, SCHEDULER_ENABLED="false")
    )
    first.wait_for_health()
    second.wait_for_health()
    fake_spotify.fail_next("GET", "^/v1/", 429, count=1000, retry_after=RETRY_AFTER, body=QUOTA)

    status, headers, body = get(first, ada, f"/api/playlists/{pid}")
    assert status == 503 and int(headers["Retry-After"]) > RETRY_AFTER - 60, body
    assert body["error"]["message"].startswith("Spotify has paused Shuffify until")
    fake_spotify.reset_calls()

    status, headers, body = get(second, ada, f"/api/playlists/{pid}")
    assert status == 503 and int(headers["Retry-After"]) > RETRY_AFTER - 60, body
    assert body["error"]["message"].startswith("Spotify has paused Shuffify until")
    assert fake_spotify.count(path_pattern="^/v1/") == 0  # the second never asked Spotify
