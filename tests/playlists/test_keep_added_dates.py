"""keep_added_dates (issue 20): a change that reorders with it reaches the order by moves
only, so every item keeps its "Date Added"; without it, the fewest calls (a replace that
stamps every item anew). The preview prices both; a change answers the calls it used.
On SQLite and PostgreSQL against the fake Spotify, which stamps added_at on every add and
replace and keeps it on a move. Also: the playlist answer carries added_at and release_date.
"""

import re

import pytest

ITEMS = r"^/v1/playlists/[^/]+/items$"


@pytest.fixture
def ada(sign_in):
    return sign_in("ada")


def new_playlist(fake, count: int) -> str:
    tracks = [fake.track(f"Song {i}", artists=(f"Artist {i % 7}",)) for i in range(count)]
    return fake.add_playlist("ada", "Mix", tracks)


def post(user, pid: str, action: str, data: dict, status: int = 200) -> dict:
    response = user.post(f"/api/playlists/{pid}/{action}", data)
    assert response.status == status, response.raw
    return response.json


def writes(fake) -> int:
    return sum(
        1
        for call in fake.calls
        if call.method in ("PUT", "POST", "DELETE") and re.search(ITEMS, call.path)
    )


def dates(fake, pid: str) -> dict:
    """Each uri's added_at (the playlists here hold no duplicates)."""
    return {uri: added_at for uri, added_at, _ in fake.added(pid)}


def test_a_shuffle_keeping_added_dates_moves_only_and_every_date_stays(ada, fake_spotify):
    pid = new_playlist(fake_spotify, 120)
    before = dates(fake_spotify, pid)
    fake_spotify.reset_calls()
    body = post(ada, pid, "shuffle", {"algorithm": "basic", "keep_added_dates": True})
    assert body["changed"]
    assert fake_spotify.playlist_uris(pid) == body["track_uris"]
    assert dates(fake_spotify, pid) == before
    assert fake_spotify.count("PUT", ITEMS) == writes(fake_spotify) == body["calls"] > 2
    assert not any("uris" in call.query for call in fake_spotify.calls)


def test_a_shuffle_without_the_option_replaces_and_stamps_every_item(ada, fake_spotify):
    pid = new_playlist(fake_spotify, 120)
    before = dates(fake_spotify, pid)
    fake_spotify.reset_calls()
    body = post(ada, pid, "shuffle", {"algorithm": "basic", "keep_added_dates": False})
    after = dates(fake_spotify, pid)
    assert body["calls"] == writes(fake_spotify) == 2  # PUT 100, POST 20
    assert all(after[uri] > before[uri] for uri in before)


def test_undo_and_redo_take_the_option_and_keep_the_dates(ada, fake_spotify):
    pid = new_playlist(fake_spotify, 30)
    original = fake_spotify.playlist_uris(pid)
    before = dates(fake_spotify, pid)
    post(ada, pid, "shuffle", {"algorithm": "basic", "keep_added_dates": True})
    undone = post(ada, pid, "undo", {"keep_added_dates": True})
    assert fake_spotify.playlist_uris(pid) == original == undone["track_uris"]
    redone = post(ada, pid, "redo", {"keep_added_dates": True})
    assert fake_spotify.playlist_uris(pid) == redone["track_uris"] != original
    assert dates(fake_spotify, pid) == before
    assert redone["calls"] >= 1


def test_undo_without_a_body_still_works_and_uses_the_fewest_calls(ada, fake_spotify):
    pid = new_playlist(fake_spotify, 30)
    original = fake_spotify.playlist_uris(pid)
    post(ada, pid, "shuffle", {"algorithm": "basic"})
    fake_spotify.reset_calls()
    response = ada.post(f"/api/playlists/{pid}/undo")
    assert response.status == 200, response.raw
    assert fake_spotify.playlist_uris(pid) == original
    assert response.json["calls"] == writes(fake_spotify) == 1  # one replace of 30


def test_a_workshop_save_keeping_added_dates_keeps_them(ada, fake_spotify):
    pid = new_playlist(fake_spotify, 20)
    before = dates(fake_spotify, pid)
    staged = list(reversed(fake_spotify.playlist_uris(pid)))
    response = ada.put(
        f"/api/playlists/{pid}/tracks", {"track_uris": staged, "keep_added_dates": True}
    )
    assert response.status == 200, response.raw
    assert fake_spotify.playlist_uris(pid) == staged
    assert dates(fake_spotify, pid) == before
    assert response.json["calls"] > 1


def test_preview_prices_both_ways_and_writes_nothing(ada, fake_spotify):
    pid = new_playlist(fake_spotify, 1000)
    fake_spotify.reset_calls()
    body = post(ada, pid, "preview", {"algorithm": "basic", "params": {"seed": 3}})
    assert writes(fake_spotify) == 0
    assert body["calls"]["replace"] == 10
    kept = post(
        ada, pid, "shuffle", {"algorithm": "basic", "params": {"seed": 3}, "keep_added_dates": True}
    )
    assert kept["track_uris"] == body["track_uris"]
    assert kept["calls"] == body["calls"]["keep_added_dates"] > 100
    print("1,000-item shuffle: replace", body["calls"]["replace"], "moves", kept["calls"])


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_keep_added_dates_must_be_a_boolean(ada, fake_spotify, value):
    pid = new_playlist(fake_spotify, 5)
    fake_spotify.reset_calls()
    body = post(ada, pid, "shuffle", {"algorithm": "basic", "keep_added_dates": value}, 400)
    assert "keep_added_dates must be true or false" in body["error"]["message"]
    assert writes(fake_spotify) == 0


def test_unknown_fields_are_refused_naming_them(ada, fake_spotify):
    pid = new_playlist(fake_spotify, 5)
    body = post(ada, pid, "undo", {"keep_dates": True}, 400)
    assert "keep_dates" in body["error"]["message"]


def test_the_playlist_answer_carries_added_at_and_release_date(ada, fake_spotify):
    old = fake_spotify.track("Old", release_date="1969")
    new = fake_spotify.track("New", release_date=None)
    pid = fake_spotify.add_playlist("ada", "Mix", [old, new])
    response = ada.get(f"/api/playlists/{pid}")
    assert response.status == 200, response.raw
    tracks = response.json["tracks"]
    assert [t["release_date"] for t in tracks] == ["1969", None]
    assert [t["added_at"] for t in tracks] == [d for _, d, _ in fake_spotify.added(pid)]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", tracks[0]["added_at"])
