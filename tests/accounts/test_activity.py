"""The activity log (issue 23): GET /api/activity, rows written where things happen.

On SQLite and PostgreSQL against the fake Spotify. Covered: a shuffle, an undo and a
workshop save each write one row naming the playlist and linking to the automatic
snapshot taken before it (restoring that snapshot gives the order before the change);
a scheduled run writes the change (by "schedule") and the run's row; sign-in and
sign-out rows; filters by playlist and kind; 50 a page, newest first, "next" pages on;
rows older than 180 days go when a new one is written; another user's rows are never
listed; "since your last visit" lists runs after the previous visit, failures first.
"""

from datetime import timedelta

import pytest

from shuffify.accounts import activity
from shuffify.models import ActivityEvent, User, utcnow


@pytest.fixture
def ada(sign_in):
    return sign_in("ada")


def ok(response, status: int = 200):
    assert response.status == status, response.raw
    return response.json


def new_playlist(fake, count: int = 12, name: str = "Mix") -> str:
    songs = [fake.track(f"Song {i}", artists=(f"Artist {i % 3}",)) for i in range(count)]
    return fake.add_playlist("ada", name, songs)


def items(user, query: str = "") -> list[dict]:
    return ok(user.get(f"/api/activity{query}"))["items"]


def test_a_shuffle_is_a_row_linking_to_the_snapshot_before_it(ada, fake_spotify):
    pid = new_playlist(fake_spotify, name="Road trip")
    before = fake_spotify.playlist_uris(pid)
    ok(ada.post(f"/api/playlists/{pid}/shuffle", {"algorithm": "basic"}))
    [row] = items(ada, "?kind=shuffle")
    assert set(row) == {
        *("id", "at", "kind", "playlist_id", "playlist_name", "summary", "by", "snapshot_id")
    }
    assert (row["playlist_id"], row["playlist_name"], row["by"]) == (pid, "Road trip", "you")
    snapshot = ok(ada.get(f"/api/snapshots/{row['snapshot_id']}"))
    assert snapshot["track_uris"] == before


def test_undo_and_a_workshop_save_are_rows_too(ada, fake_spotify):
    pid = new_playlist(fake_spotify)
    ok(ada.post(f"/api/playlists/{pid}/shuffle", {"algorithm": "basic"}))
    ok(ada.post(f"/api/playlists/{pid}/undo"))
    uris = list(reversed(fake_spotify.playlist_uris(pid)))
    ok(ada.put(f"/api/playlists/{pid}/tracks", {"track_uris": uris}))
    kinds = [row["kind"] for row in items(ada, f"?playlist_id={pid}")]
    assert kinds == ["save", "undo", "shuffle"]


def test_sign_in_and_sign_out_are_rows(sign_in, spotify_app):
    ada = sign_in("ada")
    [row] = items(ada, "?kind=sign-in")
    assert row["summary"].startswith("Signed in on ")
    ada.client.request(
        "POST",
        "/logout",
        f"csrf_token={ada.csrf}".encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    again = sign_in("ada")
    assert [r["kind"] for r in items(again) if r["kind"].startswith("sign")] == [
        "sign-in",
        "sign-out",
        "sign-in",
    ]


def test_pages_of_fifty_newest_first(ada):
    user = User.get(User.spotify_id == "ada")
    for number in range(120):
        activity.record(user, "settings", f"row {number}")
    first = ok(ada.get("/api/activity?kind=settings"))
    assert len(first["items"]) == 50 and first["items"][0]["summary"] == "row 119"
    second = ok(ada.get(f"/api/activity?kind=settings&before={first['next']}"))
    third = ok(ada.get(f"/api/activity?kind=settings&before={second['next']}"))
    assert second["items"][0]["summary"] == "row 69"
    assert len(third["items"]) == 20 and third["next"] is None


def test_a_bad_filter_is_a_400(ada):
    assert ada.get("/api/activity?kind=nope").status == 400
    assert ada.get("/api/activity?before=abc").status == 400


def test_rows_older_than_180_days_go_when_a_new_one_is_written(ada):
    user = User.get(User.spotify_id == "ada")
    activity.record(user, "settings", "old", at=utcnow() - timedelta(days=181))
    activity.record(user, "settings", "recent", at=utcnow() - timedelta(days=179))
    activity.record(user, "settings", "now")
    summaries = {row.summary for row in ActivityEvent.select().where(ActivityEvent.user == user)}
    assert "old" not in summaries and {"recent", "now"} <= summaries


def test_another_users_rows_are_never_listed(sign_in, fake_spotify):
    ada, bob = sign_in("ada"), sign_in("bob")
    pid = new_playlist(fake_spotify)
    ok(ada.post(f"/api/playlists/{pid}/shuffle", {"algorithm": "basic"}))
    assert items(bob, "?kind=shuffle") == []
    assert items(bob, f"?playlist_id={pid}") == []


def test_since_your_last_visit_lists_runs_after_the_previous_visit_failures_first(clock, sign_in):
    ada = sign_in("ada")
    user = User.get(User.spotify_id == "ada")
    first = ok(ada.get("/api/activity/since-last-visit"))
    assert first["since"] is None
    clock.now += timedelta(hours=2)
    later = clock.now + timedelta(minutes=1)
    activity.record(user, "schedule run", "success: shuffle, 0 added", by="schedule", at=later)
    activity.record(user, "schedule run", "failed: shuffle, gone", by="schedule", at=later)
    clock.now += timedelta(hours=1)
    runs = ok(ada.get("/api/activity/since-last-visit"))["runs"]
    assert [run["summary"].split(":")[0] for run in runs] == ["failed", "success"]
    clock.now += timedelta(hours=1)
    assert ok(ada.get("/api/activity/since-last-visit"))["runs"] == []
