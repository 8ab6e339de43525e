"""Your data (issue 23): the dashboard's preferences, the export, deleting it all, privacy.

On SQLite and PostgreSQL. Covered: GET/PUT /api/playlists/preferences (not taken for a
playlist id, lists checked); GET /api/me/export holds every table with a user_id and never
a token; DELETE /api/me leaves no row with the user's id in any table that has a user_id
(read from the database itself, so a new table not deleted fails here); the privacy page
names each of those tables' kind of data.
"""

import json

import pytest
from direct import query

from shuffify import models
from shuffify.accounts import activity
from shuffify.models import User

USER_TABLES = sorted(
    model._meta.table_name for model in models.MODELS if "user" in model._meta.fields
)
# How the privacy page names each table's data (a new table fails until it is described).
PRIVACY_NAMES = {
    "users": "Your Spotify profile",
    "login_sessions": "Login sessions",
    "workshop_sessions": "Saved workshop sessions",
    "upstream_sources": "Upstream sources",
    "schedules": "Schedules and their runs",
    "playlist_histories": "Playlist history",
    "recent_external_playlists": "recently loaded playlists",
    "playlist_snapshots": "Snapshots",
    "user_settings": "Settings and dashboard preferences",
    "activity": "Activity log",
    "spotify_call_counts": "Spotify call counts",
    "rules": "Rules",
    "playlist_pins": "Pinned tracks",
}


def ok(response, status: int = 200):
    assert response.status == status, response.raw
    return response.json


@pytest.fixture
def ada(sign_in):
    return sign_in("ada")


def test_preferences_round_trip_and_are_not_a_playlist_id(ada):
    empty = {"order": [], "favourites": [], "hidden": []}
    assert ok(ada.get("/api/playlists/preferences")) == empty
    given = {"order": ["b2", "a1", "b2"], "favourites": ["a1"], "hidden": ["c3"]}
    saved = ok(ada.put("/api/playlists/preferences", given))
    assert saved == {"order": ["b2", "a1"], "favourites": ["a1"], "hidden": ["c3"]}
    assert ok(ada.put("/api/playlists/preferences", {"hidden": []}))["favourites"] == ["a1"]


@pytest.mark.parametrize(
    "body", [{"order": "a1"}, {"hidden": [1]}, {"favourites": ["a/b"]}, {"pinned": []}]
)
def test_bad_preferences_are_a_400(ada, body):
    assert ada.put("/api/playlists/preferences", body).status == 400


def test_the_export_holds_every_user_table_and_no_token(ada, fake_spotify):
    pid = fake_spotify.add_playlist("ada", "Mix", [fake_spotify.track(f"S{i}") for i in range(5)])
    ok(ada.post(f"/api/playlists/{pid}/shuffle", {"algorithm": "basic"}))
    ok(ada.patch("/api/settings", {"theme": "dark"}))
    response = ada.get("/api/me/export")
    assert response.status == 200
    assert "attachment" in response.headers["Content-Disposition"]
    document = json.loads(response.raw)
    assert set(USER_TABLES) <= set(document)
    assert document["profile"]["spotify_id"] == "ada"
    assert document["user_settings"][0]["theme"] == "dark"
    assert len(document["playlist_snapshots"][0]["uris"]) == 5
    assert {row["kind"] for row in document["activity"]} >= {"sign-in", "shuffle", "settings"}
    text = response.raw.decode().lower()
    assert "token" not in text and "id_hash" not in text


def test_deleting_the_account_leaves_no_row_in_any_user_table(ada, fake_spotify, db_url):
    pid = fake_spotify.add_playlist("ada", "Mix", [fake_spotify.track(f"S{i}") for i in range(5)])
    ok(ada.post(f"/api/playlists/{pid}/shuffle", {"algorithm": "basic"}))
    ok(ada.patch("/api/settings", {"theme": "dark"}))
    user_id = ada.user_id
    activity.record(User.get_by_id(user_id), "settings", "one more")
    assert query(db_url, "SELECT COUNT(*) FROM activity WHERE user_id = %s", user_id)[0][0] >= 3
    ok(ada.delete("/api/me"))
    for table in db_tables_with_user_id(db_url):
        left = query(db_url, f"SELECT COUNT(*) FROM {table} WHERE user_id = %s", user_id)
        assert left == [(0,)], f"{table} keeps rows of a deleted user"


def db_tables_with_user_id(url: str) -> list[str]:
    if url.startswith("sqlite:"):
        names = [row[0] for row in query(url, "SELECT name FROM sqlite_master WHERE type='table'")]
        return [
            n
            for n in names
            if any(c[1] == "user_id" for c in query(url, f"PRAGMA table_info({n})"))
        ]
    rows = query(
        url,
        "SELECT table_name FROM information_schema.columns WHERE column_name = 'user_id' "
        "AND table_schema = 'public'",
    )
    return [row[0] for row in rows]


def test_every_table_with_a_user_id_is_a_model_deleting_covers(db_url, ada):
    assert sorted(db_tables_with_user_id(db_url)) == sorted(set(USER_TABLES) - {"users"})


def test_the_privacy_page_names_each_kind_of_data_kept(ada):
    page = ada.get("/privacy").raw.decode()
    missing = [table for table in USER_TABLES if table not in PRIVACY_NAMES]
    assert missing == [], f"describe these tables on the privacy page: {missing}"
    for table in USER_TABLES:
        assert PRIVACY_NAMES[table] in page, table
    assert "IP address" in page
    assert "180 days" in page
