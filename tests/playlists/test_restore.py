"""Undo, redo and restoring a snapshot never lose a track, and undo really undoes (issue 19).

In-process through the app against the real HTTP fake Spotify, on SQLite files and real
PostgreSQL. Covered:

- Undo after a workshop save that removed 5 of 30 tracks and added 1 leaves exactly the 30,
  in their order (the old undo kept the added one); redo brings the save back; the answers
  keep their shape plus "kept" and "skipped".
- Restoring a snapshot after tracks were added in Spotify's app keeps them at the end and
  lists them in "kept"; after Shuffify's own later changes (a save, a shuffle) it undoes them
  exactly; a track twice in the snapshot is twice after; a local file that is gone is listed
  in "skipped" with its reason and everything else is restored.
- A restore is a change: an automatic snapshot first, one undo step (undo brings back what
  the restore replaced), 409 while another write holds the playlist.
- A restore whose write fails at each call in turn answers 503 and is completed with
  exactly the intended order; a restore costs 1 metadata call, 1 per 50 items read and the
  writer's fewest calls.
"""

import math
import re
from collections import Counter

import pytest

from shuffify.models import PlaylistHistory, PlaylistSnapshot
from shuffify.playlists.merge import LOCAL_REASON

ITEMS = r"/v1/playlists/[^/]+/items"
METADATA = r"/v1/playlists/[^/]+"
WRITE_METHODS = ("PUT", "POST", "DELETE")
CHANGE_FIELDS = {"changed", "track_uris", "snapshot_id", "history", "kept", "skipped"}


@pytest.fixture
def fake(fake_spotify):
    return fake_spotify


@pytest.fixture
def ada(sign_in):
    return sign_in("ada")


def tracks(fake, count: int, prefix: str = "Song") -> list[dict]:
    return [fake.track(f"{prefix} {i}", artists=(f"Artist {i % 5}",)) for i in range(count)]


def ok(response, status: int = 200) -> dict:
    assert response.status == status, response.raw
    return response.json


def save(user, pid: str, uris: list) -> dict:
    return ok(user.put(f"/api/playlists/{pid}/tracks", {"track_uris": uris}))


def back_up(user, pid: str, label: str | None = None) -> int:
    body = {} if label is None else {"label": label}
    return ok(user.post(f"/api/playlists/{pid}/snapshots", body), 201)["id"]


def restore(user, sid: int, status: int = 200) -> dict:
    return ok(user.post(f"/api/snapshots/{sid}/restore"), status)


def writes(fake) -> list[str]:
    return [
        c.method for c in fake.calls if c.method in WRITE_METHODS and re.fullmatch(ITEMS, c.path)
    ]


def costs(fake) -> dict:
    found = Counter()
    for call in fake.calls:
        if call.method == "GET" and re.fullmatch(METADATA, call.path):
            found["metadata"] += 1
        elif call.method == "GET" and re.fullmatch(ITEMS, call.path):
            found["pages"] += 1
        elif call.method in WRITE_METHODS and re.fullmatch(ITEMS, call.path):
            found["writes"] += 1
        else:
            found["other"] += 1
    return {kind: found[kind] for kind in ("metadata", "pages", "writes", "other")}


# --- Undo and redo ---------------------------------------------------------------------------


def test_undo_after_a_save_that_removed_five_and_added_one_leaves_exactly_the_thirty(ada, fake):
    pid = fake.add_playlist("ada", "Thirty", tracks(fake, 30))
    before = fake.playlist_uris(pid)
    extra = fake.track("Added in the workshop")
    fake.catalog_add(extra)
    edited = [uri for i, uri in enumerate(before) if i not in (2, 9, 15, 22, 29)] + [extra["uri"]]
    saved = save(ada, pid, edited)
    assert fake.playlist_uris(pid) == edited and len(edited) == 26
    undone = ok(ada.post(f"/api/playlists/{pid}/undo"))
    assert set(undone) >= CHANGE_FIELDS
    assert (undone["kept"], undone["skipped"], undone["changed"]) == ([], [], True)
    assert undone["track_uris"] == before == fake.playlist_uris(pid)
    assert extra["uri"] not in fake.playlist_uris(pid)
    redone = ok(ada.post(f"/api/playlists/{pid}/redo"))
    assert redone["track_uris"] == saved["track_uris"] == edited == fake.playlist_uris(pid)
    assert (redone["kept"], redone["skipped"]) == ([], [])


def test_undo_keeps_what_was_added_in_spotifys_app_after_the_change(ada, fake):
    pid = fake.add_playlist("ada", "Mix", tracks(fake, 12))
    before = fake.playlist_uris(pid)
    extra = fake.track("Workshop pick")
    fake.catalog_add(extra)
    save(ada, pid, [*before[3:], extra["uri"]])
    outside = fake.track("Added in Spotify's app")
    fake.catalog_add(outside)
    fake.append_items(pid, [outside])
    undone = ok(ada.post(f"/api/playlists/{pid}/undo"))
    assert undone["kept"] == [outside["uri"]]
    assert fake.playlist_uris(pid) == [*before, outside["uri"]] == undone["track_uris"]


# --- Restoring a snapshot --------------------------------------------------------------------


def test_a_restore_after_tracks_were_added_in_spotifys_app_keeps_them_at_the_end(ada, fake):
    pid = fake.add_playlist("ada", "Mix", tracks(fake, 10))
    kept_version = fake.playlist_uris(pid)
    sid = back_up(ada, pid, "before the party")
    reordered = kept_version[::-1]
    save(ada, pid, reordered)
    outside = [fake.track("New on Spotify 1"), fake.track("New on Spotify 2")]
    fake.append_items(pid, outside)
    body = restore(ada, sid)
    assert set(body) >= CHANGE_FIELDS
    added = [item["uri"] for item in outside]
    assert body["kept"] == added and body["skipped"] == []
    assert body["track_uris"] == [*kept_version, *added] == fake.playlist_uris(pid)


def test_a_restore_undoes_shuffifys_own_later_changes_exactly(ada, fake):
    pid = fake.add_playlist("ada", "Mix", tracks(fake, 20))
    version = fake.playlist_uris(pid)
    sid = back_up(ada, pid)
    more = tracks(fake, 3, "Workshop")
    fake.catalog_add(*more)
    save(ada, pid, [*version[5:], *(t["uri"] for t in more)])  # 5 removed, 3 added
    shuffled = ok(ada.post(f"/api/playlists/{pid}/shuffle", {"algorithm": "basic"}))
    assert Counter(shuffled["track_uris"]) != Counter(version)
    body = restore(ada, sid)
    assert (body["kept"], body["skipped"], body["changed"]) == ([], [], True)
    assert body["track_uris"] == version == fake.playlist_uris(pid)


def test_a_restore_counts_duplicates_and_skips_a_local_file_that_is_gone(ada, fake):
    songs = tracks(fake, 4)
    local = fake.local("Home Demo")
    items = [songs[0], songs[1], songs[0], local, songs[2], songs[3]]
    pid = fake.add_playlist("ada", "With copies", items)
    version = fake.playlist_uris(pid)
    sid = back_up(ada, pid)
    save(ada, pid, [songs[3]["uri"], songs[2]["uri"]])  # the copy and the local file go
    assert fake.playlist_uris(pid) == [songs[3]["uri"], songs[2]["uri"]]
    body = restore(ada, sid)
    assert body["skipped"] == [{"position": 3, "uri": local["uri"], "reason": LOCAL_REASON}]
    expected = [u for u in version if u != local["uri"]]
    assert body["track_uris"] == expected == fake.playlist_uris(pid)
    assert fake.playlist_uris(pid).count(songs[0]["uri"]) == 2


def test_a_restore_is_a_change_snapshotted_first_and_undone_by_undo(ada, fake):
    pid = fake.add_playlist("ada", "Mix", tracks(fake, 8))
    version = fake.playlist_uris(pid)
    sid = back_up(ada, pid)
    replaced = save(ada, pid, version[::-1])["track_uris"]
    body = restore(ada, sid)
    assert body["history"]["can_undo"] is True and body["track_uris"] == version
    newest = PlaylistSnapshot.select().order_by(PlaylistSnapshot.id.desc()).first()
    assert (newest.kind, newest.label) == ("auto", f"before restore of snapshot {sid}")
    listed = ok(ada.get(f"/api/snapshots/{newest.id}"))
    assert listed["track_uris"] == replaced
    steps = ok(ada.get(f"/api/playlists/{pid}/history"))["steps"]
    assert (steps[0]["kind"], steps[0]["label"]) == ("restore", f"restore of snapshot {sid}")
    assert ok(ada.post(f"/api/playlists/{pid}/undo"))["track_uris"] == replaced
    assert fake.playlist_uris(pid) == replaced


def test_restoring_the_version_that_is_live_writes_nothing(ada, fake):
    pid = fake.add_playlist("ada", "Mix", tracks(fake, 8))
    sid = back_up(ada, pid)
    fake.reset_calls()
    body = restore(ada, sid)
    assert body["changed"] is False and body["track_uris"] == fake.playlist_uris(pid)
    assert writes(fake) == []


def test_a_restore_while_another_write_holds_the_playlist_is_409(ada, fake):
    from shuffify.playlists import claims

    pid = fake.add_playlist("ada", "Mix", tracks(fake, 8))
    sid = back_up(ada, pid)
    save(ada, pid, fake.playlist_uris(pid)[::-1])
    before = fake.playlist_uris(pid)
    holder = claims.claim(pid, "another write")
    try:
        body = restore(ada, sid, status=409)
    finally:
        claims.release(pid, holder)
    assert "being changed" in body["error"]["message"]
    assert fake.playlist_uris(pid) == before


# --- Failures and cost -----------------------------------------------------------------------


def restore_scene(ada, fake, songs: list[dict], added: list[dict]) -> tuple[str, int, list]:
    """A 250-item playlist backed up, then saved with 20 removed and 30 added."""
    pid = fake.add_playlist("ada", "Big", songs)
    version = fake.playlist_uris(pid)
    sid = back_up(ada, pid)
    edited = [u for i, u in enumerate(version) if i % 12 != 5] + [t["uri"] for t in added]
    assert len(edited) == 250 - 21 + 30
    save(ada, pid, edited)
    return pid, sid, version


def settle(ada, pid: str) -> None:
    """Read the playlist until the interrupted write is complete (each read settles it)."""
    for _ in range(6):
        if ada.get(f"/api/playlists/{pid}").status == 200 and pending(pid) is None:
            return
    raise AssertionError("the interrupted write was never completed")


def pending(pid: str):
    return PlaylistHistory.get(PlaylistHistory.playlist_id == pid).pending_uris


def test_a_restore_failing_at_each_write_call_in_turn_is_completed_exactly(
    ada, fake, spotify_app, monkeypatch
):
    services = spotify_app.config["shuffify.services"]
    monkeypatch.setattr(services, "retry_write", lambda user, pid: None)  # the reads settle
    songs, added = tracks(fake, 250), tracks(fake, 30, "New")
    fake.catalog_add(*added)
    pid, sid, version = restore_scene(ada, fake, songs, added)
    fake.reset_calls()
    assert restore(ada, sid)["track_uris"] == version  # the plan, without failures
    plan = writes(fake)
    assert plan == ["PUT", "POST", "POST"]  # a replace of 250: the fewest calls
    for failing in range(len(plan)):
        pid, sid, version = restore_scene(ada, fake, songs, added)
        same_method_before = plan[:failing].count(plan[failing])
        attempts = 1 if plan[failing] == "POST" else 3  # the client repeats a safe call
        fake.fail_next(plan[failing], ITEMS + "$", 500, count=attempts, skip=same_method_before)
        message = restore(ada, sid, status=503)["error"]["message"]
        assert "retry" in message.lower()
        assert pending(pid) == version
        assert fake.playlist_uris(pid) != version
        settle(ada, pid)
        assert fake.playlist_uris(pid) == version, f"failing at call {failing}"


def test_a_restore_costs_the_reads_and_the_fewest_writes(ada, fake):
    songs, added = tracks(fake, 250), tracks(fake, 30, "New")
    fake.catalog_add(*added)
    pid, sid, version = restore_scene(ada, fake, songs, added)
    live_count = len(fake.playlist_uris(pid))
    fake.reset_calls()
    assert restore(ada, sid)["track_uris"] == version
    pages, replace = math.ceil(live_count / 50), math.ceil(len(version) / 100)
    assert costs(fake) == {"metadata": 1, "pages": pages, "writes": replace, "other": 0}
    assert (pages, replace) == (6, 3)
