"""Pins (issue 20). Properties (hypothesis), for every algorithm in the registry: the result
of pins.apply is a permutation of the playlist, each pinned item is at its position (at the
end when the playlist no longer reaches it), and the unpinned items are in exactly the order
the algorithm gives them on its own. Then through the app against the fake Spotify, on
SQLite and PostgreSQL: GET and PUT /api/playlists/<id>/pins (the limits, a URI not in the
playlist named in the 400, expired pins pruned, a pinned item that left reported missing),
shuffle and preview keeping pins in place, another user's playlist, and account deletion.
"""

import datetime

import pytest
from direct import query
from hypothesis import given, settings
from hypothesis import strategies as st

from shuffify import shuffle
from shuffify.playlists.pins import Pin, apply
from shuffify.shuffle import ALGORITHMS

PROPERTY = settings(max_examples=60, deadline=None, database=None)

TRACK = st.builds(
    lambda artists, album, name, added: {
        "artists": artists,
        "album": album,
        "name": name,
        "added_at": added,
        "duration_ms": 1000 * len(name),
    },
    artists=st.lists(st.sampled_from(["Ana", "Ben", "Cleo", "Dev"]), max_size=2),
    album=st.none() | st.sampled_from(["Blue", "Red", "Gold"]),
    name=st.sampled_from(["a", "bb", "Ccc", "dddd"]),
    added=st.none() | st.sampled_from(["2020-01-01T00:00:00Z", "2024-05-05T00:00:00Z"]),
)


@st.composite
def pinned_playlists(draw):
    """Tracks with their own URIs (a few copies of one), and pins on some of them, some
    at positions past the end."""
    tracks = [{**t, "uri": f"spotify:track:{i}"} for i, t in enumerate(draw(st.lists(TRACK)))]
    if tracks:
        tracks += [dict(t) for t in draw(st.lists(st.sampled_from(tracks), max_size=2))]
    uris = sorted({t["uri"] for t in tracks})
    chosen = draw(st.lists(st.sampled_from(uris), unique=True)) if uris else []
    positions = draw(
        st.lists(
            st.integers(0, len(tracks) + 3),
            min_size=len(chosen),
            max_size=len(chosen),
            unique=True,
        )
    )
    return tracks, [Pin(uri, p) for uri, p in zip(chosen, positions, strict=True)]


@pytest.mark.parametrize("algorithm", list(ALGORITHMS))
@PROPERTY
@given(case=pinned_playlists(), seed=st.integers(0, 2**32))
def test_every_algorithm_keeps_pins_in_place_and_loses_nothing(algorithm, case, seed):
    tracks, pins = case
    order = lambda rest: shuffle.shuffle(algorithm, rest, {"seed": seed})  # noqa: E731
    result = apply(tracks, pins, order)
    assert sorted(map(id, result)) == sorted(map(id, tracks))
    size = len(tracks)
    inside = {pin.position: pin.uri for pin in pins if pin.position < size}
    for position, uri in inside.items():
        assert result[position]["uri"] == uri
    # pins past the end take the last slots no pin inside holds, in position order
    beyond = [pin.uri for pin in sorted(pins, key=lambda p: p.position) if pin.position >= size]
    free = [slot for slot in range(size) if slot not in inside]
    tail = free[len(free) - len(beyond) :] if beyond else []
    assert [result[slot]["uri"] for slot in tail] == beyond
    pinned_slots = set(inside) | set(tail)
    rest_in_result = [t for i, t in enumerate(result) if i not in pinned_slots]
    held = {id(result[slot]) for slot in pinned_slots}
    rest = [t for t in tracks if id(t) not in held]
    assert [id(t) for t in rest_in_result] == [id(t) for t in order(rest)]


def test_apply_puts_pins_past_the_end_last_in_position_order():
    tracks = [{"uri": f"u{i}"} for i in range(4)]
    pins = [Pin("u0", 9), Pin("u1", 7), Pin("u3", 1)]
    result = apply(tracks, pins, lambda rest: list(reversed(rest)))
    assert [t["uri"] for t in result] == ["u2", "u3", "u1", "u0"]


def test_apply_skips_a_pin_whose_item_is_gone():
    tracks = [{"uri": "a"}, {"uri": "b"}, {"uri": "c"}]
    result = apply(tracks, [Pin("gone", 0), Pin("c", 0 + 1)], lambda rest: rest[::-1])
    assert [t["uri"] for t in result] == ["b", "c", "a"]


# --- through the app, on both backends -------------------------------------------------------


@pytest.fixture
def ada(sign_in):
    return sign_in("ada")


def new_playlist(fake, count: int = 12) -> tuple[str, list[str]]:
    tracks = [fake.track(f"Song {i}", artists=(f"Artist {i % 3}",)) for i in range(count)]
    pid = fake.add_playlist("ada", "Mix", tracks)
    return pid, [t["uri"] for t in tracks]


def put(user, pid: str, pins, status: int = 200) -> dict:
    response = user.put(f"/api/playlists/{pid}/pins", {"pins": pins})
    assert response.status == status, response.raw
    return response.json


def get(user, pid: str) -> list[dict]:
    response = user.get(f"/api/playlists/{pid}/pins")
    assert response.status == 200, response.raw
    return response.json["pins"]


def test_put_then_get_gives_the_pins_back(ada, fake_spotify):
    pid, uris = new_playlist(fake_spotify)
    pins = [
        {"uri": uris[5], "position": 0, "until": None},
        {"uri": uris[0], "position": 3, "until": "2999-12-31"},
    ]
    answer = put(ada, pid, pins)["pins"]
    expected = [{**pin, "missing": False} for pin in pins]
    assert answer == get(ada, pid) == expected
    assert put(ada, pid, [])["pins"] == [] == get(ada, pid)


def test_a_uri_not_in_the_playlist_is_a_400_naming_it_and_nothing_is_stored(ada, fake_spotify):
    pid, uris = new_playlist(fake_spotify)
    put(ada, pid, [{"uri": uris[1], "position": 1}])
    stranger = "spotify:track:notthere0000000000000"
    body = put(ada, pid, [{"uri": uris[2], "position": 2}, {"uri": stranger, "position": 0}], 400)
    assert stranger in body["error"]["message"]
    assert [pin["uri"] for pin in get(ada, pid)] == [uris[1]]


@pytest.mark.parametrize(
    "pins, words",
    [
        ("all", "list"),
        ([{"uri": "x"}], "uri, position"),
        ([{"position": 0, "uri": 5}], "not in the playlist"),
        ([{"uri": "U0", "position": -1}], "outside"),
        ([{"uri": "U0", "position": 99}], "outside"),
        ([{"uri": "U0", "position": 1, "until": "tomorrow"}], "ISO date"),
        ([{"uri": "U0", "position": 1, "colour": "red"}], "uri, position"),
        ([{"uri": "U0", "position": 1}, {"uri": "U1", "position": 1}], "share a position"),
    ],
)
def test_bad_pins_are_refused_naming_what_is_wrong(ada, fake_spotify, pins, words):
    pid, uris = new_playlist(fake_spotify)
    if isinstance(pins, list):
        pins = [
            {**p, "uri": uris[int(p["uri"][1:])] if str(p["uri"]).startswith("U") else p["uri"]}
            for p in pins
        ]
    assert words in put(ada, pid, pins, 400)["error"]["message"]


def test_at_most_100_pins(ada, fake_spotify):
    pid, uris = new_playlist(fake_spotify, 101)
    many = [{"uri": uri, "position": i} for i, uri in enumerate(uris)]
    assert "at most 100" in put(ada, pid, many, 400)["error"]["message"]
    assert len(put(ada, pid, many[:100])["pins"]) == 100


def test_pins_past_until_are_ignored_and_pruned(ada, fake_spotify, db_url):
    pid, uris = new_playlist(fake_spotify)
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    today = datetime.date.today().isoformat()
    put(
        ada,
        pid,
        [
            {"uri": uris[0], "position": 5, "until": yesterday},
            {"uri": uris[1], "position": 6, "until": today},
        ],
    )
    assert [pin["uri"] for pin in get(ada, pid)] == [uris[1]]
    assert query(db_url, "SELECT uri FROM playlist_pins") == [(uris[1],)]
    body = ada.post(f"/api/playlists/{pid}/preview", {"algorithm": "basic"}).json
    assert body["track_uris"][6] == uris[1]


def test_a_pinned_track_that_left_is_reported_missing(ada, fake_spotify):
    pid, uris = new_playlist(fake_spotify)
    put(ada, pid, [{"uri": uris[4], "position": 2}, {"uri": uris[7], "position": 9}])
    with fake_spotify._lock:  # someone removes the track in Spotify's own app
        playlist = fake_spotify._playlists[pid]
        playlist.entries = [e for e in playlist.entries if e.uri != uris[4]]
        playlist.snapshot_id = "after-the-removal"
    assert [(p["uri"], p["missing"]) for p in get(ada, pid)] == [(uris[4], True), (uris[7], False)]
    body = ada.post(f"/api/playlists/{pid}/shuffle", {"algorithm": "basic"}).json
    assert body["track_uris"][9] == uris[7] and uris[4] not in body["track_uris"]


@pytest.mark.parametrize("algorithm", ["basic", "artist_spacing", "newest_first"])
@pytest.mark.parametrize("keep_added_dates", [False, True])
def test_shuffle_and_preview_keep_pinned_tracks_in_place(
    ada, fake_spotify, algorithm, keep_added_dates
):
    pid, uris = new_playlist(fake_spotify, 30)
    put(ada, pid, [{"uri": uris[29], "position": 0}, {"uri": uris[3], "position": 17}])
    for seed in range(3):
        params = {"algorithm": algorithm, "params": {"seed": seed}}
        preview = ada.post(f"/api/playlists/{pid}/preview", params).json["track_uris"]
        body = {**params, "keep_added_dates": keep_added_dates}
        response = ada.post(f"/api/playlists/{pid}/shuffle", body)
        assert response.status == 200, response.raw
        live = fake_spotify.playlist_uris(pid)
        assert live == response.json["track_uris"] == preview
        assert (live[0], live[17]) == (uris[29], uris[3])
        assert sorted(live) == sorted(uris)


def test_another_users_playlist_pins_are_refused(sign_in, fake_spotify):
    sign_in("ada")
    bob = sign_in("bob")
    pid, uris = new_playlist(fake_spotify)
    assert bob.get(f"/api/playlists/{pid}/pins").status in (403, 404)
    response = bob.put(f"/api/playlists/{pid}/pins", {"pins": [{"uri": uris[0], "position": 1}]})
    assert response.status in (403, 404), response.raw


def test_deleting_the_account_deletes_its_pins(ada, fake_spotify, db_url):
    pid, uris = new_playlist(fake_spotify)
    put(ada, pid, [{"uri": uris[0], "position": 1}])
    assert query(db_url, "SELECT COUNT(*) FROM playlist_pins") == [(1,)]
    assert ada.delete("/api/me").status == 200
    assert query(db_url, "SELECT COUNT(*) FROM playlist_pins") == [(0,)]
