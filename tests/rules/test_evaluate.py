"""What a rule makes of its sources (issue 21), pure: properties (hypothesis) of every filter,
of combining and of the order around the target's pins, over small made-up catalogues in
which a URI always carries the same name, artists and duration, as Spotify's do.
"""

import random
from collections import Counter
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shuffify.playlists.dedupe import same_song
from shuffify.playlists.pins import Pin
from shuffify.rules import evaluate
from shuffify.rules.evaluate import FILTERS, Inputs, added_at, combine
from shuffify.shuffle.sort import folded

PROPERTY = settings(max_examples=150, deadline=None, database=None)
NOW = datetime(2031, 1, 1, 12, 0, 0)
EXCLUDED = "37i9dQZF1DXcBWIGoYBM5M"

songs = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["track", "track", "track", "episode", "local"]),
        "name": st.sampled_from(["Song", "song", "Sóng", "Song - Live", "Song (Remix)", None]),
        "artists": st.sampled_from([["Ada"], ["ADA"], ["Ådá", "Bo"], ["Bo"], []]),
        "duration_ms": st.sampled_from([200_000, 201_500, 203_000, None]),
        "explicit": st.booleans(),
        "release_date": st.sampled_from(["1999", "2005-06", "2020-01-02", None]),
    }
)
added = st.one_of(
    st.none(),
    st.integers(0, 400).map(lambda d: (NOW - timedelta(days=d)).isoformat() + "Z"),
)


@st.composite
def catalogue(draw, min_size: int = 1) -> list[dict]:
    """Distinct URIs, each with its song's fields."""
    found = draw(st.lists(songs, min_size=min_size, max_size=12))
    return [
        {
            "uri": f"spotify:{s.pop('kind')}:{n:022d}",
            **s,
            "artists": list(s["artists"]),
        }
        for n, s in enumerate(found)
    ]


@st.composite
def playlists(draw, most: int = 4) -> list[list[dict]]:
    """Sources: entries of one catalogue (a URI may repeat), each its own dict with added_at;
    now and then an unavailable entry."""
    tracks = draw(catalogue())
    entries = st.one_of(
        st.sampled_from(tracks).map(dict),
        st.just({"uri": None, "name": None, "artists": []}),
    )
    lists = draw(st.lists(st.lists(entries, max_size=25), min_size=1, max_size=most))
    for items in lists:
        for item in items:
            item["added_at"] = draw(added)
    return lists


def available(sources: list[list[dict]]) -> list[dict]:
    return [t for items in sources for t in items if t.get("uri")]


def is_subsequence(part: list, whole: list) -> bool:
    """part is whole with some entries left out (the very objects, in order)."""
    rest = iter(whole)
    return all(any(x is y for y in rest) for x in part)


def run_filter(step: dict, tracks: list[dict], excluded: set | None = None) -> list[dict]:
    inputs = Inputs([tracks], [], NOW, excluded={EXCLUDED: excluded or set()})
    return FILTERS[step["type"]](tracks, step, inputs, random.Random(0))


filter_steps = st.one_of(
    st.builds(lambda m: {"type": "dedupe", "match": m}, st.sampled_from(["exact", "same_song"])),
    st.just({"type": "exclude_playlist", "playlist_id": EXCLUDED}),
    st.builds(
        lambda names: {"type": "exclude_artists", "artists": names},
        st.lists(st.sampled_from(["ada", "Bo", "Nobody"]), min_size=1, max_size=2),
    ),
    st.builds(
        lambda p, e: {"type": "title", "pattern": p, "exclude": e},
        st.sampled_from(["live", "^song$", "remix|live"]),
        st.booleans(),
    ),
    st.builds(
        lambda lo, hi: {"type": "duration", "min_s": lo, "max_s": hi},
        st.sampled_from([None, 200, 201]),
        st.sampled_from([None, 202, 300]),
    ),
    st.builds(lambda a: {"type": "explicit", "allow": a}, st.booleans()),
    st.builds(
        lambda lo, hi: {"type": "release_year", "min": lo, "max": hi},
        st.sampled_from([None, 2000]),
        st.sampled_from([None, 2010]),
    ),
    st.builds(
        lambda k, d: {"type": k, "days": d},
        st.sampled_from(["added_within_days", "added_before_days"]),
        st.integers(1, 500),
    ),
    st.builds(lambda c: {"type": "max_per_artist", "count": c}, st.integers(1, 3)),
    st.builds(
        lambda c, f: {"type": "limit", "count": c, "from": f},
        st.integers(1, 30),
        st.sampled_from(["first", "last", "random", "newest", "oldest"]),
    ),
)


# --- filters ----------------------------------------------------------------------------------


@PROPERTY
@given(playlists(), filter_steps)
def test_every_filter_keeps_a_subsequence_of_its_input(sources, step):
    tracks = available(sources)
    assert is_subsequence(run_filter(step, tracks, {t["uri"] for t in tracks[::3]}), tracks)


@PROPERTY
@given(playlists(), st.sampled_from(["exact", "same_song"]))
def test_dedupe_leaves_no_duplicate_and_is_idempotent(sources, match):
    tracks = available(sources)
    step = {"type": "dedupe", "match": match}
    once = run_filter(step, tracks)
    assert len({t["uri"] for t in once}) == len(once)
    assert {t["uri"] for t in once} == {t["uri"] for t in tracks}.intersection(
        t["uri"] for t in once
    )
    assert run_filter(step, once) == once
    if match == "same_song":
        assert not any(same_song(a, b) for i, a in enumerate(once) for b in once[i + 1 :])


@PROPERTY
@given(playlists(), st.integers(1, 40), st.sampled_from(["first", "last", "random", "newest"]))
def test_limit_gives_min_of_count_and_length(sources, count, end):
    tracks = available(sources)
    kept = run_filter({"type": "limit", "count": count, "from": end}, tracks)
    assert len(kept) == min(count, len(tracks))


@PROPERTY
@given(playlists(), st.integers(1, 3))
def test_max_per_artist_keeps_the_first_count_of_each_artist(sources, count):
    tracks = available(sources)
    kept = run_filter({"type": "max_per_artist", "count": count}, tracks)

    def artist(track):
        return folded((track.get("artists") or [None])[0])

    given_counts, kept_counts = Counter(map(artist, tracks)), Counter(map(artist, kept))
    assert kept_counts == {a: min(n, count) for a, n in given_counts.items()}
    assert is_subsequence(kept, tracks)


@PROPERTY
@given(playlists(), st.data())
def test_exclude_playlist_shares_nothing_with_it_and_keeps_the_rest(sources, data):
    tracks = available(sources)
    excluded = set(data.draw(st.lists(st.sampled_from([t["uri"] for t in tracks] or ["x"]))))
    kept = run_filter({"type": "exclude_playlist", "playlist_id": EXCLUDED}, tracks, excluded)
    assert not {t["uri"] for t in kept} & excluded
    assert kept == [t for t in tracks if t["uri"] not in excluded]


@PROPERTY
@given(playlists(), st.booleans())
def test_explicit_drops_exactly_the_explicit_tracks_unless_allowed(sources, allow):
    tracks = available(sources)
    kept = run_filter({"type": "explicit", "allow": allow}, tracks)
    assert kept == (tracks if allow else [t for t in tracks if not t["explicit"]])


# --- combining and ordering -----------------------------------------------------------------


@PROPERTY
@given(playlists(), st.sampled_from(["concat", "alternate", "shuffle"]), st.data())
def test_combine_gives_every_available_item_once(sources, mode, data):
    withheld = data.draw(st.sets(st.integers(0, len(sources) - 1)))
    given_sources = [None if i in withheld else items for i, items in enumerate(sources)]
    read = [items for items in given_sources if items is not None]
    combined = combine(given_sources, mode, random.Random(data.draw(st.integers())))
    assert sorted(map(id, combined)) == sorted(map(id, available(read)))
    if mode == "concat":
        assert combined == available(read)
    if mode == "alternate":
        firsts = [items[0] for items in map(available, ([s] for s in read)) if items]
        assert combined[: len(firsts)] == firsts


@PROPERTY
@given(playlists(most=1), st.data())
def test_an_order_keeps_pins_in_place_and_orders_the_rest(sources, data):
    tracks = available(sources)
    positions = data.draw(st.lists(st.integers(0, 30), unique=True, max_size=3))
    pins = (
        [Pin(data.draw(st.sampled_from(tracks)).get("uri"), p) for p in positions] if tracks else []
    )
    order = {"algorithm": "sort", "params": {"by": "title", "direction": "desc"}}
    result = evaluate.ordered(tracks, order, pins)
    assert sorted(map(id, result)) == sorted(map(id, tracks))
    uris = [t["uri"] for t in result]
    taken = Counter()
    for pin in sorted(pins, key=lambda p: p.position):
        taken[pin.uri] += 1
        present = Counter(t["uri"] for t in tracks)[pin.uri] >= taken[pin.uri]
        if present and pin.position < len(result):
            assert uris[pin.position] == pin.uri


def test_a_rule_with_pins_and_an_order_gives_the_pinned_tracks_their_places():
    tracks = [{"uri": f"spotify:track:{n:022d}", "name": f"Song {n}"} for n in range(6)]
    pins = [Pin(tracks[5]["uri"], 0), Pin(tracks[0]["uri"], 3)]
    definition = {
        "sources": [{"type": "target"}],
        "filters": [],
        "order": {"algorithm": "sort", "params": {"by": "title"}},
        "sink": {"mode": "replace"},
    }
    plan = evaluate.evaluate(definition, Inputs([tracks], tracks, NOW, pins=pins))
    names = {t["uri"]: t["name"] for t in tracks}
    assert [names[u] for u in plan.track_uris] == [
        *("Song 5", "Song 1", "Song 2", "Song 0", "Song 3", "Song 4")
    ]


def test_staged_items_carry_the_index_of_the_source_they_came_from():
    first = [{"uri": "spotify:track:" + "1" * 22}]
    second = [{"uri": "spotify:track:" + "2" * 22}, dict(first[0])]
    definition = {"filters": [], "sink": {"mode": "inbox"}, "combine": "alternate"}
    plan = evaluate.evaluate(definition, Inputs([None, first, second], [], NOW))
    assert [(t["uri"][-1], t["source"]) for t in plan.staged] == [("1", 1), ("2", 2)]


# --- dates ------------------------------------------------------------------------------------


def reference_added_at(text):
    """The definition the fast path of added_at must match."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return None


dates_as_text = st.one_of(
    st.datetimes().map(lambda d: d.isoformat(timespec="seconds") + "Z"),
    st.datetimes().map(lambda d: d.isoformat() + "Z"),
    st.datetimes().map(lambda d: d.isoformat(timespec="seconds") + "+02:00"),
    st.text("0123456789-:TZ+. ", min_size=18, max_size=22),
    st.sampled_from(["2024-02-30T00:00:00Z", "2024-01-01T00:00+01Z", "20240101T000000.0Z", ""]),
)


@PROPERTY
@given(dates_as_text)
def test_added_at_reads_every_text_as_its_definition_does(text):
    assert added_at({"added_at": text}) == reference_added_at(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-01T12:34:56Z", datetime(2024, 3, 1, 12, 34, 56)),
        ("2024-03-01T12:34:56+02:00", datetime(2024, 3, 1, 12, 34, 56)),
        ("2024-02-30T00:00:00Z", None),
        (None, None),
    ],
)
def test_added_at_examples(text, expected):
    assert added_at({"added_at": text}) == expected
