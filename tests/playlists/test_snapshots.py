"""Snapshots of a playlist (issue 19): automatic before every write, manual on request.

In-process through the app against the real HTTP fake Spotify, on SQLite files and real
PostgreSQL. Covered:

- Automatic: a shuffle, a workshop save, an undo, a redo and a scheduled run each keep the
  version they replace first, labelled after the change ("before shuffle with Artist
  spacing"); a change that writes nothing keeps nothing.
- Scheduled backups (job_type "snapshot"): a run keeps the playlist when it changed since the
  newest snapshot, and costs exactly one metadata call when it did not.
- Manual: POST keeps the live playlist (201), a label is checked (400), an identical
  version is stored once (200 with the same snapshot; an identical automatic one becomes
  manual), at most 100 per user (409, nothing stored).
- Retention: automatic ones beyond the newest 30 per playlist are pruned, manual ones stay.
- Reading: the list (newest first, the issue's fields), one snapshot with its playlist and
  order, DELETE (204), the diff against the live playlist (with what a restore would keep
  and skip) and against another snapshot (added, removed, moved, unchanged, duplicates
  counted).
- Another user's snapshot is 404 for every route; every write needs the CSRF token; deleting
  the account deletes the snapshots.
- GET /api/playlists/<id> says "outside_changes" when the live playlist differs from the
  last version Shuffify wrote or saw, else null.
- A 10,000-item snapshot takes at most 300 KB in the database.
"""

from datetime import datetime, timedelta

import pytest
from direct import query

from shuffify.models import PlaylistSnapshot, Schedule, User, utcnow
from shuffify.playlists import snapshots
from shuffify.scheduling.runner import Runner

FIELDS = {"id", "kind", "label", "item_count", "created_at"}


@pytest.fixture
def fake(fake_spotify):
    return fake_spotify


@pytest.fixture
def ada(sign_in):
    return sign_in("ada")


def new_playlist(fake, count: int = 10, owner: str = "ada", **options) -> str:
    songs = [fake.track(f"Song {i}", artists=(f"Artist {i % 3}",)) for i in range(count)]
    return fake.add_playlist(owner, "Mix", songs, **options)


def ok(response, status: int = 200):
    assert response.status == status, response.raw
    return response.json


def listed(user, pid: str) -> list[dict]:
    return ok(user.get(f"/api/playlists/{pid}/snapshots"))["snapshots"]


def order_of(user, sid: int) -> list:
    return ok(user.get(f"/api/snapshots/{sid}"))["track_uris"]


def user_row(user) -> User:
    return User.get_by_id(user.user_id)


# --- Automatic snapshots ---------------------------------------------------------------------


def test_every_write_keeps_the_version_it_replaces_first(ada, fake):
    pid = new_playlist(fake)
    original = fake.playlist_uris(pid)
    body = {"algorithm": "artist_spacing", "params": {"seed": 3}}
    shuffled = ok(ada.post(f"/api/playlists/{pid}/shuffle", body))["track_uris"]
    saved = ok(ada.put(f"/api/playlists/{pid}/tracks", {"track_uris": original[::-1]}))
    ok(ada.post(f"/api/playlists/{pid}/undo"))
    ok(ada.post(f"/api/playlists/{pid}/redo"))
    kept = listed(ada, pid)
    assert [(s["kind"], s["label"]) for s in kept] == [
        ("auto", "before redo"),
        ("auto", "before undo"),
        ("auto", "before workshop save"),
        ("auto", "before shuffle with Artist spacing"),
    ]
    orders = [order_of(ada, s["id"]) for s in kept]
    assert orders == [shuffled, saved["track_uris"], shuffled, original]
    assert all(set(s) == FIELDS and s["item_count"] == 10 for s in kept)
    created = [datetime.fromisoformat(s["created_at"]) for s in kept]
    assert created == sorted(created, reverse=True)


def test_a_change_that_writes_nothing_keeps_nothing(ada, fake):
    pid = new_playlist(fake, 3)
    body = {"algorithm": "basic", "params": {"keep_first": 3}}
    assert ok(ada.post(f"/api/playlists/{pid}/shuffle", body))["changed"] is False
    assert listed(ada, pid) == []


def test_a_scheduled_run_keeps_the_version_it_replaces(ada, fake, spotify_app):
    from shuffify import database

    pid = new_playlist(fake, 12)
    original = fake.playlist_uris(pid)
    Schedule.create(
        user=ada.user_id,
        job_type="shuffle",
        target_playlist_id=pid,
        algorithm_name="basic",
        algorithm_params={"seed": 5},
        schedule_type="interval",
        schedule_value="daily",
        next_run_at=utcnow() - timedelta(minutes=1),
    )
    runner = Runner(spotify_app.config["shuffify.services"], database.db.obj, 1, 300)
    assert runner.run_pending() == 1
    assert fake.playlist_uris(pid) != original
    (kept,) = listed(ada, pid)
    assert (kept["kind"], kept["label"]) == ("auto", "before schedule: shuffle")
    assert order_of(ada, kept["id"]) == original


def test_a_scheduled_backup_keeps_a_changed_playlist_and_costs_one_call_otherwise(
    ada, fake, spotify_app
):
    from shuffify import database

    pid = new_playlist(fake, 120)
    created = ada.post(
        "/api/schedules",
        {"job_type": "snapshot", "target_playlist_id": pid, "schedule_type": "interval"},
    )
    schedule_id = ok(created, 201)["id"]
    runner = Runner(spotify_app.config["shuffify.services"], database.db.obj, 1, 300)

    def run() -> list[str]:
        Schedule.update(next_run_at=utcnow() - timedelta(minutes=1)).execute()
        fake.reset_calls()
        assert runner.run_pending() == 1
        return [f"{c.method} {c.path}" for c in fake.calls]

    assert len(run()) == 1 + 3  # metadata, then the three pages
    (first,) = listed(ada, pid)
    assert (first["kind"], first["label"]) == ("auto", "scheduled backup")
    assert order_of(ada, first["id"]) == fake.playlist_uris(pid)
    assert run() == [f"GET /v1/playlists/{pid}"]  # unchanged: one metadata call
    assert len(listed(ada, pid)) == 1
    fake.append_items(pid, [fake.track("New")])
    run()
    (second, _) = listed(ada, pid)
    assert order_of(ada, second["id"]) == fake.playlist_uris(pid)
    runs = ok(ada.get(f"/api/schedules/{schedule_id}/executions"))["executions"]
    assert [r["status"] for r in runs] == ["success"] * 3


# --- Manual snapshots ------------------------------------------------------------------------


def test_a_manual_snapshot_keeps_the_live_playlist(ada, fake):
    pid = new_playlist(fake)
    created = ok(ada.post(f"/api/playlists/{pid}/snapshots", {"label": "  Party  "}), 201)
    assert set(created) == FIELDS
    assert (created["kind"], created["label"], created["item_count"]) == ("manual", "Party", 10)
    one = ok(ada.get(f"/api/snapshots/{created['id']}"))
    assert one == {**created, "playlist_id": pid, "track_uris": fake.playlist_uris(pid)}
    unlabelled = ok(ada.post(f"/api/playlists/{pid}/snapshots"), 200)  # the same version
    assert unlabelled["id"] == created["id"]


@pytest.mark.parametrize("label", ["", "x" * 101, 7, "a\x00b"])
def test_a_bad_label_is_a_400_and_nothing_is_kept(ada, fake, label):
    pid = new_playlist(fake)
    response = ada.post(f"/api/playlists/{pid}/snapshots", {"label": label})
    assert response.status == 400 and "label" in response.json["error"]["message"]
    assert listed(ada, pid) == []


def test_an_identical_version_is_stored_once(ada, fake):
    pid = new_playlist(fake)
    original = fake.playlist_uris(pid)
    manual = ok(ada.post(f"/api/playlists/{pid}/snapshots", {"label": "mine"}), 201)
    ok(ada.post(f"/api/playlists/{pid}/shuffle", {"algorithm": "basic", "params": {"seed": 1}}))
    assert [s["id"] for s in listed(ada, pid)] == [manual["id"]]  # the auto one is the same
    ok(ada.put(f"/api/playlists/{pid}/tracks", {"track_uris": original}))  # auto: the shuffle
    (auto, _) = listed(ada, pid)
    assert auto["kind"] == "auto"
    assert order_of(ada, auto["id"]) != original
    assert PlaylistSnapshot.select().count() == 2


def test_an_automatic_snapshot_asked_for_by_hand_is_promoted_not_copied(ada, fake):
    pid = new_playlist(fake)
    user = user_row(ada)
    row, created = snapshots.keep(user, pid, fake.playlist_uris(pid), "auto", "before x")
    assert created
    made = ok(ada.post(f"/api/playlists/{pid}/snapshots", {"label": "by hand"}), 201)
    assert made["id"] == row.id and (made["kind"], made["label"]) == ("manual", "by hand")
    assert PlaylistSnapshot.select().count() == 1


def test_at_most_100_manual_snapshots_per_user(ada, fake):
    pid = new_playlist(fake)
    user = user_row(ada)
    for i in range(snapshots.MAX_MANUAL):
        snapshots.keep(user, f"p{i % 7}", [f"spotify:track:{i:022d}"], "manual", None)
    response = ada.post(f"/api/playlists/{pid}/snapshots", {})
    assert response.status == 409 and "100" in response.json["error"]["message"]
    assert listed(ada, pid) == []
    ok(ada.post(f"/api/playlists/{pid}/shuffle", {"algorithm": "basic"}))  # auto ones still
    assert [s["kind"] for s in listed(ada, pid)] == ["auto"]


def test_automatic_snapshots_beyond_the_newest_30_per_playlist_are_pruned(ada, fake):
    user = user_row(ada)
    manual, _ = snapshots.keep(user, "p1", ["spotify:track:" + "m" * 22], "manual", "mine")
    for i in range(35):
        snapshots.keep(user, "p1", [f"spotify:track:{i:022d}"], "auto", f"before {i}")
    snapshots.keep(user, "p2", ["spotify:track:" + "o" * 22], "auto", "other playlist")
    autos = snapshots.of_playlist(user, "p1").where(PlaylistSnapshot.kind == "auto")
    assert [row.label for row in autos] == [f"before {i}" for i in range(34, 4, -1)]
    assert snapshots.get(user, manual.id).label == "mine"
    assert snapshots.of_playlist(user, "p2").count() == 1


# --- Reading, deleting, comparing ------------------------------------------------------------


def test_delete_answers_204_and_the_snapshot_is_gone(ada, fake):
    pid = new_playlist(fake)
    sid = ok(ada.post(f"/api/playlists/{pid}/snapshots", {}), 201)["id"]
    response = ada.delete(f"/api/snapshots/{sid}")
    assert (response.status, response.raw) == (204, b"")
    assert ada.get(f"/api/snapshots/{sid}").status == 404
    assert ada.delete(f"/api/snapshots/{sid}").status == 404


def test_a_diff_against_the_live_playlist_counts_what_changed(ada, fake):
    pid = new_playlist(fake, 6)
    before = fake.playlist_uris(pid)
    sid = ok(ada.post(f"/api/playlists/{pid}/snapshots", {}), 201)["id"]
    edited = [before[5], before[0], before[1], before[2], before[0]]  # 3 and 4 gone
    ok(ada.put(f"/api/playlists/{pid}/tracks", {"track_uris": edited}))
    new = fake.track("New")
    fake.append_items(pid, [new])
    diff = ok(ada.get(f"/api/snapshots/{sid}/diff"))
    assert diff == {
        "added": [before[0], new["uri"]],
        "removed": [before[3], before[4]],
        "moved": 1,
        "unchanged": 3,
        "restore": {"kept": [new["uri"]], "skipped": []},  # added since the save: kept
    }
    assert ok(ada.post(f"/api/snapshots/{sid}/restore"))["kept"] == [new["uri"]]


def test_a_diff_between_two_snapshots(ada, fake):
    pid = new_playlist(fake, 4)
    before = fake.playlist_uris(pid)
    first = ok(ada.post(f"/api/playlists/{pid}/snapshots", {}), 201)["id"]
    ok(ada.put(f"/api/playlists/{pid}/tracks", {"track_uris": before[::-1][:3]}))
    second = ok(ada.post(f"/api/playlists/{pid}/snapshots", {}), 201)["id"]
    fake.reset_calls()
    diff = ok(ada.get(f"/api/snapshots/{first}/diff?against={second}"))
    assert diff == {"added": [], "removed": [before[0]], "moved": 2, "unchanged": 1}
    assert fake.calls == []  # two snapshots: Spotify is not asked
    assert ada.get(f"/api/snapshots/{first}/diff?against=x").status == 400


# --- Ownership, CSRF, account deletion -------------------------------------------------------


def test_another_users_snapshot_is_404_everywhere(ada, sign_in, fake):
    pid = new_playlist(fake, collaborative=True, collaborators=("bo",))
    sid = ok(ada.post(f"/api/playlists/{pid}/snapshots", {"label": "ada's"}), 201)["id"]
    bo = sign_in("bo")
    own = ok(bo.post(f"/api/playlists/{pid}/snapshots", {}), 201)["id"]
    assert ok(bo.get(f"/api/playlists/{pid}/snapshots"))["snapshots"][0]["id"] == own
    assert len(listed(bo, pid)) == 1
    answers = [
        bo.get(f"/api/snapshots/{sid}"),
        bo.get(f"/api/snapshots/{sid}/diff"),
        bo.get(f"/api/snapshots/{own}/diff?against={sid}"),
        bo.get(f"/api/snapshots/{sid}/export"),
        bo.post(f"/api/snapshots/{sid}/restore"),
        bo.delete(f"/api/snapshots/{sid}"),
    ]
    assert [a.status for a in answers] == [404] * len(answers), [a.raw for a in answers]
    assert ok(ada.get(f"/api/snapshots/{sid}"))["label"] == "ada's"


def test_every_write_needs_the_csrf_token(ada, fake):
    pid = new_playlist(fake)
    sid = ok(ada.post(f"/api/playlists/{pid}/snapshots", {}), 201)["id"]
    ok(ada.put(f"/api/playlists/{pid}/tracks", {"track_uris": fake.playlist_uris(pid)[::-1]}))
    live = fake.playlist_uris(pid)
    for method, path in (
        ("POST", f"/api/playlists/{pid}/snapshots"),
        ("POST", f"/api/snapshots/{sid}/restore"),
        ("DELETE", f"/api/snapshots/{sid}"),
    ):
        response = ada.write(method, path, {}, csrf="wrong")
        assert response.status == 403, (method, path, response.raw)
        response = ada.client.send_json(method, path, {}, {})
        assert response.status == 403, (method, path, response.raw)
    assert fake.playlist_uris(pid) == live
    assert [s["id"] for s in listed(ada, pid)] == [sid]  # the save's is the same version


def test_deleting_the_account_deletes_its_snapshots(ada, sign_in, fake, db_url):
    pid = new_playlist(fake)
    ok(ada.post(f"/api/playlists/{pid}/shuffle", {"algorithm": "basic"}))
    ok(ada.post(f"/api/playlists/{pid}/snapshots", {}), 201)
    bo = sign_in("bo")
    bo_pid = new_playlist(fake, owner="bo")
    ok(bo.post(f"/api/playlists/{bo_pid}/snapshots", {}), 201)
    assert query(db_url, "SELECT count(*) FROM playlist_snapshots") == [(3,)]
    ok(ada.delete("/api/me"))
    assert query(db_url, "SELECT user_id FROM playlist_snapshots") == [(bo.user_id,)]


# --- Changes made outside Shuffify -----------------------------------------------------------


def test_outside_changes_compares_the_live_playlist_with_the_last_version_shuffify_saw(ada, fake):
    pid = new_playlist(fake, 8)
    assert ok(ada.get(f"/api/playlists/{pid}"))["outside_changes"] is None  # nothing known
    ok(ada.post(f"/api/playlists/{pid}/shuffle", {"algorithm": "basic"}))
    assert ok(ada.get(f"/api/playlists/{pid}"))["outside_changes"] is None  # as written
    fake.append_items(pid, [fake.track("New 1"), fake.track("New 2")])
    changes = ok(ada.get(f"/api/playlists/{pid}"))["outside_changes"]
    assert (changes["added"], changes["removed"]) == (2, 0)
    assert datetime.fromisoformat(changes["since"]) <= utcnow()


def test_outside_changes_without_history_compares_with_the_newest_snapshot(ada, fake):
    pid = new_playlist(fake, 5)
    ok(ada.post(f"/api/playlists/{pid}/snapshots", {}), 201)
    assert ok(ada.get(f"/api/playlists/{pid}"))["outside_changes"] is None
    fake.append_items(pid, [fake.track("New")])
    assert ok(ada.get(f"/api/playlists/{pid}"))["outside_changes"]["added"] == 1


# --- Size ------------------------------------------------------------------------------------


def test_a_10000_item_snapshot_takes_at_most_300_kb(ada, fake, db_url):
    pid = new_playlist(fake, 10_000)
    sid = ok(ada.post(f"/api/playlists/{pid}/snapshots", {}), 201)["id"]
    [(size,)] = query(db_url, "SELECT length(uris) FROM playlist_snapshots WHERE id = %s", sid)
    assert 150_000 < size <= 300_000  # ~17 bytes a track with the fake's ids
    assert order_of(ada, sid) == fake.playlist_uris(pid)
