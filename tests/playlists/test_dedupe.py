"""Remove duplicates (issue 20), in-process through the app against the fake Spotify, on
SQLite and PostgreSQL: exact and same-song duplicates with keep first and last (the dry run's
groups write nothing; applying removes exactly the `remove` items and leaves the kept copy
where it was); the same-song rule itself (case and accents, version suffixes only on both
sides, durations within 2 s, episodes only by URI); another user's playlist; and the calls
of a dedupe removing 10 of 1,000 items, printed against the minimum.
"""

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shuffify.playlists.dedupe import SUFFIX, _name, find_groups, same_song
from shuffify.shuffle.sort import folded

ITEMS = r"^/v1/playlists/[^/]+/items$"
_IDS = itertools.count()


@pytest.fixture
def ada(sign_in):
    return sign_in("ada")


def post(user, pid: str, body: dict, status: int = 200) -> dict:
    response = user.post(f"/api/playlists/{pid}/dedupe", body)
    assert response.status == status, response.raw
    return response.json


def writes(fake) -> int:
    return sum(
        1
        for call in fake.calls
        if call.method in ("PUT", "POST", "DELETE") and re.search(ITEMS, call.path)
    )


def song(name: str, artist: str = "Artist", duration_ms: int = 200000, uri: str = "") -> dict:
    """A track as the playlist path reads it (artists by name)."""
    uri = uri or f"spotify:track:t{next(_IDS)}"
    return {"uri": uri, "name": name, "artists": [artist], "duration_ms": duration_ms}


# --- the rule -------------------------------------------------------------------------------


def test_same_song_ignores_case_and_accents():
    assert same_song(song("Café Del Mar", "Énergy 52"), song("CAFE del mar", "energy 52"))
    assert not same_song(song("Cafe", "Energy 52"), song("Cafe", "Other"))


def test_a_suffix_is_ignored_only_when_both_sides_have_one():
    remaster = song("Let It Be - Remastered 2011", "The Beatles")
    live = song("Let It Be (Live)", "The Beatles")
    plain = song("Let It Be", "The Beatles")
    assert same_song(remaster, live)
    assert same_song(remaster, song("Let It Be - Remastered 2009", "The Beatles"))
    assert not same_song(plain, remaster)
    assert not same_song(plain, live)


def test_durations_must_be_within_two_seconds():
    base = song("Song", duration_ms=200000)
    assert same_song(base, song("Song", duration_ms=202000))
    assert same_song(base, song("Song", duration_ms=198000))
    assert not same_song(base, song("Song", duration_ms=202001))
    assert not same_song(base, {**song("Song"), "duration_ms": None})


def test_episodes_match_only_by_uri():
    one = {**song("Episode 1", "Show"), "uri": "spotify:episode:aaa"}
    other = {**one, "uri": "spotify:episode:bbb"}
    assert not same_song(one, other)
    assert same_song(one, dict(one))
    assert find_groups([one, other, one], "same_song", "first") == [(0, [2])]


def test_local_files_match_local_files_not_tracks():
    local = song("Song", uri="spotify:local:A:B:Song:200")
    other_local = song("Song", uri="spotify:local:A:C:Song:201")
    track = song("Song", uri="spotify:track:xyz")
    assert same_song(local, other_local)
    assert not same_song(local, track)


def test_groups_keep_first_or_last():
    a, b = song("A"), song("B")
    tracks = [a, b, a, a, b]
    assert find_groups(tracks, "exact", "first") == [(0, [2, 3]), (1, [4])]
    assert find_groups(tracks, "exact", "last") == [(3, [0, 2]), (4, [1])]


def reference_groups(tracks: list[dict], match: str, keep: str) -> list[tuple[int, list[int]]]:
    """The definition find_groups' fast path must match: going through the tracks, each joins
    the first group (in the order they began) whose kept track is the same, or starts one."""
    order = range(len(tracks)) if keep == "first" else reversed(range(len(tracks)))
    groups: list[tuple[int, list[int]]] = []
    for position in order:
        track = tracks[position]
        if track["uri"] is None:
            continue
        for kept, removed in groups:
            other = tracks[kept]
            if other["uri"] == track["uri"] or (match == "same_song" and same_song(other, track)):
                removed.append(position)
                break
        else:
            groups.append((position, []))
    return sorted((kept, sorted(removed)) for kept, removed in groups if removed)


SONGS = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["track", "track", "local", "episode"]),
        "name": st.sampled_from(
            ["Song", "SONG", "Sóng", "Song - Live", "Song (Remix)", "Song [2011]", "Other", None]
        ),
        "artists": st.sampled_from([["Ada"], ["ádá"], ["Bo", "Ada"], ["  "], []]),
        "duration_ms": st.sampled_from([200_000, 201_999, 202_000, 204_500, None]),
    }
)


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(SONGS, min_size=1, max_size=8), st.data())
def test_find_groups_is_its_definition_on_any_playlist(catalogue, data):
    """A URI carries one name, artists and duration (as Spotify's do); entries repeat URIs."""
    known = [
        {"uri": f"spotify:{s['kind']}:u{n}", **{k: v for k, v in s.items() if k != "kind"}}
        for n, s in enumerate(catalogue)
    ]
    unavailable = {"uri": None, "name": None, "artists": [], "duration_ms": None}
    entries = st.sampled_from([*known, unavailable]).map(dict)
    tracks = data.draw(st.lists(entries, max_size=30))
    for match in ("exact", "same_song"):
        for keep in ("first", "last"):
            assert find_groups(tracks, match, keep) == reference_groups(tracks, match, keep)


@settings(max_examples=300, deadline=None, database=None)
@given(st.one_of(st.text(), st.text(" -()[]abcé"), st.none()))
def test_a_name_without_its_suffix_is_the_expressions_answer_on_any_text(name):
    """_name skips the regular expression where it cannot match; it must give what it gives."""
    folded_name = folded(name)
    expected = SUFFIX.sub("", folded_name) if folded_name else folded_name
    assert _name(name) == (folded_name, expected)


# --- through the app, on both backends -------------------------------------------------------


def exact_playlist(fake) -> tuple[str, list[dict]]:
    """a b a c b a: `a` three times, `b` twice."""
    a, b, c = (fake.track(name) for name in ("A", "B", "C"))
    return fake.add_playlist("ada", "Mix", [a, b, a, c, b, a]), [a, b, c]


@pytest.mark.parametrize(
    "keep, kept, removed",
    [("first", [0, 1], [2, 4, 5]), ("last", [5, 4], [0, 1, 2])],
)
def test_exact_dry_run_shows_the_groups_and_writes_nothing(ada, fake_spotify, keep, kept, removed):
    pid, (a, _, _) = exact_playlist(fake_spotify)
    before = fake_spotify.added(pid)
    fake_spotify.reset_calls()
    body = post(ada, pid, {"match": "exact", "keep": keep, "dry_run": True})
    assert writes(fake_spotify) == 0 and fake_spotify.added(pid) == before
    assert body["remove_count"] == 3
    groups = sorted(body["groups"], key=lambda g: g["keep"]["uri"] != a["uri"])
    assert [g["keep"]["position"] for g in groups] == kept
    assert groups[0]["keep"] == {"uri": a["uri"], "position": kept[0], "name": "A"}
    assert sorted(e["position"] for g in groups for e in g["remove"]) == removed


@pytest.mark.parametrize("keep, expected", [("first", "abc"), ("last", "cba")])
def test_exact_apply_removes_exactly_the_removed_copies(ada, fake_spotify, keep, expected):
    pid, (a, b, c) = exact_playlist(fake_spotify)
    names = {a["uri"]: "a", b["uri"]: "b", c["uri"]: "c"}
    planned = post(ada, pid, {"match": "exact", "keep": keep, "dry_run": True})
    body = post(ada, pid, {"match": "exact", "keep": keep, "dry_run": False})
    assert body["changed"] and body["removed"] == planned["remove_count"] == 3
    after = fake_spotify.playlist_uris(pid)
    assert (
        "".join(names[uri] for uri in after)
        == expected
        == "".join(names[uri] for uri in body["track_uris"])
    )
    assert "calls" in body and body["history"]["can_undo"]


def same_song_playlist(fake) -> tuple[str, list[dict]]:
    single = fake.track("Hey Jude - Remastered 2015", ("The Beatles",), "1", 431000)
    album = fake.track("hey jude - remastered 2009", ("the beatles",), "Past Masters", 432500)
    plain = fake.track("Hey Jude", ("The Beatles",), "Hey Jude", 431000)
    other = fake.track("Other", ("The Beatles",))
    items = [single, other, plain, album]
    return fake.add_playlist("ada", "Mix", items), items


@pytest.mark.parametrize("keep, kept, gone", [("first", 0, 3), ("last", 3, 0)])
def test_same_song_both_keeps(ada, fake_spotify, keep, kept, gone):
    pid, items = same_song_playlist(fake_spotify)
    before = fake_spotify.added(pid)
    dry = post(ada, pid, {"match": "same_song", "keep": keep, "dry_run": True})
    assert dry["remove_count"] == 1 and fake_spotify.added(pid) == before
    [group] = dry["groups"]
    assert group["keep"]["position"] == kept and group["keep"]["uri"] == items[kept]["uri"]
    assert [e["position"] for e in group["remove"]] == [gone]
    body = post(ada, pid, {"match": "same_song", "keep": keep, "dry_run": False})
    assert body["removed"] == 1
    expected = [item["uri"] for i, item in enumerate(items) if i != gone]
    assert fake_spotify.playlist_uris(pid) == expected == body["track_uris"]
    # different URIs: one DELETE, and the others keep their Date Added
    assert [entry for entry in before if entry[0] != items[gone]["uri"]] == fake_spotify.added(pid)


def test_exact_match_does_not_take_same_song_copies(ada, fake_spotify):
    pid, _ = same_song_playlist(fake_spotify)
    body = post(ada, pid, {"match": "exact"})
    assert (body["groups"], body["remove_count"], body["calls"]) == ([], 0, 0)


def test_the_kept_copy_stays_at_its_position_with_the_others_dates(ada, fake_spotify):
    tracks = [fake_spotify.track(f"S{i}") for i in range(8)]
    items = [*tracks, tracks[2]]  # the last one is a second copy of position 2
    pid = fake_spotify.add_playlist("ada", "Mix", items)
    before = fake_spotify.added(pid)
    body = post(
        ada, pid, {"match": "exact", "keep": "first", "dry_run": False, "keep_added_dates": True}
    )
    assert body["removed"] == 1
    assert fake_spotify.playlist_uris(pid) == [t["uri"] for t in tracks]
    untouched = [entry for entry in before[:8] if entry[0] != tracks[2]["uri"]]
    assert [e for e in fake_spotify.added(pid) if e[0] != tracks[2]["uri"]] == untouched


def test_nothing_to_remove_writes_nothing(ada, fake_spotify):
    pid = fake_spotify.add_playlist("ada", "Mix", [fake_spotify.track("A")])
    fake_spotify.reset_calls()
    body = post(ada, pid, {"match": "same_song", "dry_run": False})
    assert body["removed"] == 0 and not body["changed"] and writes(fake_spotify) == 0


def test_bad_options_are_400(ada, fake_spotify):
    pid, _ = exact_playlist(fake_spotify)
    assert "match" in post(ada, pid, {"match": "fuzzy"}, 400)["error"]["message"]
    assert "keep" in post(ada, pid, {"keep": "middle"}, 400)["error"]["message"]
    assert "dry_run" in post(ada, pid, {"dry_run": "no"}, 400)["error"]["message"]


def test_another_users_playlist_is_refused_and_untouched(sign_in, fake_spotify):
    ada, bob = sign_in("ada"), sign_in("bob")
    pid, _ = exact_playlist(fake_spotify)
    before = fake_spotify.playlist_uris(pid)
    fake_spotify.reset_calls()
    response = bob.post(f"/api/playlists/{pid}/dedupe", {"dry_run": False})
    assert response.status in (403, 404), response.raw
    assert writes(fake_spotify) == 0 and fake_spotify.playlist_uris(pid) == before
    assert ada.post(f"/api/playlists/{pid}/dedupe", {}).status == 200


@pytest.mark.parametrize("keep_added_dates", [False, True])
def test_calls_of_a_dedupe_removing_10_of_1000(ada, fake_spotify, keep_added_dates):
    tracks = [fake_spotify.track(f"Song {i}") for i in range(990)]
    items = list(tracks)
    for i in range(10):  # a second copy of every 99th track, spread through the playlist
        items.insert(100 * i + 50, tracks[99 * i])
    pid = fake_spotify.add_playlist("ada", "Mix", items)
    fake_spotify.reset_calls()
    body = {"match": "exact", "dry_run": False, "keep_added_dates": keep_added_dates}
    answer = post(ada, pid, body)
    assert answer["removed"] == 10
    assert fake_spotify.playlist_uris(pid) == [t["uri"] for t in tracks]
    assert answer["calls"] == writes(fake_spotify) <= 12  # DELETE, POST, <= 10 moves
    print(
        f"dedupe 10 of 1,000 keep_added_dates={keep_added_dates}: {answer['calls']} writes,"
        f" {len(fake_spotify.calls)} calls in all (minimum: 1 DELETE + 1 POST + moves)"
    )
