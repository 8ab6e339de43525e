"""The shuffle algorithms: each returns a permutation and keeps its own promise.

Properties run on random playlists that include duplicate URIs, the same track object
twice, entries without a URI, tracks without artists and tracks without an album.
"""

import itertools
import json
import math
import random
import re
from collections import Counter
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shuffify.shuffle import ALGORITHMS, InvalidParams, describe, shuffle, validate_params

PROPERTY = settings(max_examples=100, deadline=None, database=None)
ALGORITHM_NAMES = list(ALGORITHMS)
SORTS = ("sort", "newest_first")  # deterministic: a sorted playlist stays as it is (test_sort)
DESCRIPTIONS = {algorithm["name"]: algorithm for algorithm in describe()}

TRACKS = st.builds(
    lambda uri, artists, album: {"uri": uri, "artists": artists, "album": album},
    uri=st.sampled_from(["spotify:track:1", "spotify:track:2", "spotify:episode:3", None]),
    artists=st.lists(st.sampled_from(["Ana", "Ben", "Cleo", "Dev", "Eli"]), max_size=2),
    album=st.none() | st.sampled_from(["Blue", "Red", "Green", "Gold"]),
)


@st.composite
def playlists(draw, max_size=25):
    """Up to max_size tracks, some of them possibly the same object more than once."""
    tracks = draw(st.lists(TRACKS, max_size=max_size))
    repeated = draw(st.lists(st.sampled_from(tracks), max_size=3)) if tracks else []
    return draw(st.permutations(tracks + repeated))[:max_size]


def parameter_values(parameter: dict):
    """Valid values for one described parameter, read from its description alone."""
    low, high = parameter["min"], parameter["max"]
    match parameter["type"]:
        case "integer" if parameter["default"] is None:
            return st.none() | st.integers()
        case "integer":
            return st.integers(low, high if high is not None else low + 50)
        case "number":
            return st.integers(low, high) | st.floats(low, high, allow_nan=False)
        case "boolean":
            return st.booleans()
        case "string":
            return st.sampled_from(parameter["choices"])


def valid_params(algorithm_name: str):
    """Some or all of the algorithm's parameters, with values valid by its description."""
    parameters = DESCRIPTIONS[algorithm_name]["parameters"]
    return st.fixed_dictionaries({}, optional={p["name"]: parameter_values(p) for p in parameters})


def algorithm_and_params():
    return st.sampled_from(ALGORITHM_NAMES).flatmap(
        lambda name: st.tuples(st.just(name), valid_params(name))
    )


def ids(tracks: list) -> list[int]:
    return [id(track) for track in tracks]


def section_bounds(length: int, section_count: int) -> list[tuple[int, int]]:
    """(start, end) of each near-equal section; the first length % count get one extra."""
    count = min(section_count, length)
    sizes = [length // count + (index < length % count) for index in range(count)] if count else []
    ends = list(itertools.accumulate(sizes))
    return list(zip([0, *ends], ends, strict=False))


def artist_of(track: dict):
    return (track["artists"] or [None])[0]


def spacing_violations(artists: list, min_spacing: int) -> int:
    """Windows of min_spacing + 1 consecutive tracks (or the whole, shorter, list) with a
    repeated artist."""
    width = min(min_spacing + 1, len(artists))
    windows = [artists[start : start + width] for start in range(len(artists) - width + 1)]
    return sum(len(set(window)) < len(window) for window in windows)


def perfect_spacing_possible(artists: list, min_spacing: int) -> bool:
    counts = Counter(artists)
    most = max(counts.values(), default=0)
    busiest = sum(count == most for count in counts.values())
    return (most - 1) * (min_spacing + 1) + busiest <= len(artists)


def fewest_violations(artist_counts: tuple[int, ...], min_spacing: int) -> int:
    """Brute force over every order; spacings beyond the list's length all count the same."""
    return _fewest_violations(artist_counts, min(min_spacing, max(sum(artist_counts) - 1, 1)))


@cache
def _fewest_violations(artist_counts: tuple[int, ...], min_spacing: int) -> int:
    labels = [artist for artist, count in enumerate(artist_counts) for _ in range(count)]
    orders = itertools.permutations(labels)
    return min(spacing_violations(order, min_spacing) for order in orders)


# Every algorithm


@PROPERTY
@given(choice=algorithm_and_params(), tracks=playlists())
def test_every_algorithm_returns_a_permutation_of_the_same_track_objects(choice, tracks):
    name, params = choice
    assert Counter(ids(shuffle(name, tracks, params))) == Counter(ids(tracks))


@PROPERTY
@given(choice=algorithm_and_params(), tracks=playlists(), seed=st.integers())
def test_the_same_seed_gives_the_same_order(choice, tracks, seed):
    name, params = choice
    seeded = {**params, "seed": seed}
    assert ids(shuffle(name, tracks, seeded)) == ids(shuffle(name, tracks, seeded))


@PROPERTY
@given(choice=algorithm_and_params(), tracks=playlists(max_size=1))
def test_lists_of_zero_or_one_track_come_back_unchanged(choice, tracks):
    name, params = choice
    assert ids(shuffle(name, tracks, params)) == ids(tracks)


@PROPERTY
@given(choice=algorithm_and_params(), tracks=playlists())
def test_shuffle_leaves_the_callers_list_alone(choice, tracks):
    name, params = choice
    before = ids(tracks)
    shuffle(name, tracks, params)
    assert ids(tracks) == before


@pytest.mark.parametrize("name", ALGORITHM_NAMES)
def test_shuffle_leaves_the_global_random_state_alone(name):
    tracks = [{"uri": f"u{i}", "artists": [f"a{i % 3}"], "album": f"b{i % 4}"} for i in range(30)]
    state = random.getstate()
    shuffle(name, tracks, {})
    shuffle(name, tracks, {"seed": 7})
    assert random.getstate() == state


@pytest.mark.parametrize("name", [n for n in ALGORITHM_NAMES if n not in SORTS])
def test_every_random_algorithm_changes_the_order_of_a_varied_playlist(name):
    tracks = [{"uri": f"u{i}", "artists": [f"a{i // 5}"], "album": f"b{i // 5}"} for i in range(40)]
    assert ids(shuffle(name, tracks, {"seed": 1})) != ids(tracks)


def test_shuffle_validates_params_before_running():
    with pytest.raises(InvalidParams, match="keep_first must be at least 0"):
        shuffle("basic", [{"uri": "u", "artists": [], "album": None}], {"keep_first": -1})


# Each algorithm's own promise


@PROPERTY
@given(tracks=playlists(), params=valid_params("basic"))
def test_basic_keeps_the_first_keep_first_tracks_in_place(tracks, params):
    keep_first = validate_params("basic", params)["keep_first"]
    assert ids(shuffle("basic", tracks, params)[:keep_first]) == ids(tracks[:keep_first])


@PROPERTY
@given(tracks=playlists(), params=valid_params("percentage"))
def test_percentage_moves_only_the_shuffled_share_and_only_within_it(tracks, params):
    checked = validate_params("percentage", params)
    shuffled_count = math.floor(len(tracks) * checked["shuffle_percentage"] / 100)
    front = checked["shuffle_location"] == "front"
    split = shuffled_count if front else len(tracks) - shuffled_count
    result = shuffle("percentage", tracks, params)
    moved, kept = (slice(0, split), slice(split, None))[:: 1 if front else -1]
    assert ids(result[kept]) == ids(tracks[kept])
    assert Counter(ids(result[moved])) == Counter(ids(tracks[moved]))


@PROPERTY
@given(tracks=playlists(), params=valid_params("stratified"))
def test_stratified_keeps_every_track_within_its_section(tracks, params):
    checked = validate_params("stratified", params)
    keep_first = checked["keep_first"]
    result = shuffle("stratified", tracks, params)
    assert ids(result[:keep_first]) == ids(tracks[:keep_first])
    rest, shuffled_rest = tracks[keep_first:], result[keep_first:]
    for start, end in section_bounds(len(rest), checked["section_count"]):
        assert Counter(ids(shuffled_rest[start:end])) == Counter(ids(rest[start:end]))


@PROPERTY
@given(tracks=playlists(), params=valid_params("balanced"))
def test_balanced_deals_the_sections_round_robin(tracks, params):
    checked = validate_params("balanced", params)
    keep_first = checked["keep_first"]
    result = shuffle("balanced", tracks, params)
    assert ids(result[:keep_first]) == ids(tracks[:keep_first])
    rest, dealt = tracks[keep_first:], result[keep_first:]
    bounds = section_bounds(len(rest), checked["section_count"])
    sizes = [end - start for start, end in bounds]
    dealing = [s for turn in range(max(sizes, default=0)) for s, n in enumerate(sizes) if turn < n]
    for section, (start, end) in enumerate(bounds):
        from_section = [track for track, s in zip(dealt, dealing, strict=True) if s == section]
        assert Counter(ids(from_section)) == Counter(ids(rest[start:end]))


@PROPERTY
@given(
    artists=st.lists(st.integers(0, 14), max_size=60),
    min_spacing=st.integers(1, 10),
    seed=st.integers(),
)
def test_artist_spacing_is_perfect_exactly_when_the_bound_allows(artists, min_spacing, seed):
    tracks = [{"uri": None, "artists": [f"artist {a}"], "album": None} for a in artists]
    params = {"min_spacing": min_spacing, "seed": seed}
    spaced = [artist_of(track) for track in shuffle("artist_spacing", tracks, params)]
    violations = spacing_violations(spaced, min_spacing)
    assert (violations == 0) == perfect_spacing_possible(spaced, min_spacing)


@PROPERTY
@given(tracks=playlists(max_size=7), min_spacing=st.integers(1, 10), seed=st.integers())
def test_artist_spacing_has_no_more_violations_than_the_best_order(tracks, min_spacing, seed):
    params = {"min_spacing": min_spacing, "seed": seed}
    spaced = [artist_of(track) for track in shuffle("artist_spacing", tracks, params)]
    artist_counts = tuple(sorted(Counter(spaced).values()))
    fewest = fewest_violations(artist_counts, min_spacing)
    assert (fewest == 0) == perfect_spacing_possible(spaced, min_spacing)
    assert spacing_violations(spaced, min_spacing) <= fewest


@PROPERTY
@given(tracks=playlists(), params=valid_params("album_sequence"))
def test_album_sequence_plays_each_album_as_one_block(tracks, params):
    albums = [track["album"] for track in shuffle("album_sequence", tracks, params)]
    blocks = [album for album, _ in itertools.groupby(albums)]
    assert len(blocks) == len(set(blocks))


@PROPERTY
@given(tracks=playlists(), seed=st.integers())
def test_album_sequence_keeps_each_albums_running_order_by_default(tracks, seed):
    result = shuffle("album_sequence", tracks, {"seed": seed})
    for album in {track["album"] for track in tracks}:
        in_result = [track for track in result if track["album"] == album]
        assert ids(in_result) == ids([track for track in tracks if track["album"] == album])


# Parameters


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("tempo", {}, "unknown algorithm 'tempo'; choose one of basic, percentage, balanced"),
        (None, {}, "unknown algorithm None; choose one of basic"),
        ("basic", ["keep_first"], "params must be an object"),
        ("basic", {"foo": 1}, "unknown parameter 'foo' for basic"),
        ("basic", {"keep_first": True}, "keep_first must be an integer"),
        ("basic", {"keep_first": None}, "keep_first must be an integer"),
        ("balanced", {"section_count": 3.0}, "section_count must be an integer"),
        ("stratified", {"keep_first": "2"}, "keep_first must be an integer"),
        ("basic", {"seed": 1.5}, "seed must be an integer or null"),
        ("basic", {"seed": False}, "seed must be an integer or null"),
        ("percentage", {"shuffle_location": "middle"}, "shuffle_location must be one of front"),
        ("balanced", {"section_count": 101}, "section_count must be from 1 to 100"),
        ("stratified", {"section_count": 0}, "section_count must be from 1 to 100"),
        ("basic", {"keep_first": -1}, "keep_first must be at least 0"),
        ("artist_spacing", {"min_spacing": 11}, "min_spacing must be from 1 to 10"),
        ("percentage", {"shuffle_percentage": 100.5}, "shuffle_percentage must be from 0 to 100"),
        ("percentage", {"shuffle_percentage": math.nan}, "shuffle_percentage must be a finite"),
        ("percentage", {"shuffle_percentage": math.inf}, "shuffle_percentage must be a finite"),
        ("percentage", {"shuffle_percentage": True}, "shuffle_percentage must be a finite"),
        ("album_sequence", {"shuffle_within_albums": "yes"}, "must be true or false"),
        ("album_sequence", {"shuffle_within_albums": 1}, "must be true or false"),
    ],
)
def test_validate_params_rejects_with_a_message_naming_the_problem(name, params, message):
    with pytest.raises(InvalidParams, match=re.escape(message)):
        validate_params(name, params)


def test_invalid_params_is_a_value_error():
    assert issubclass(InvalidParams, ValueError)


@pytest.mark.parametrize(
    ("name", "defaults"),
    [
        ("basic", {"keep_first": 0, "seed": None}),
        ("percentage", {"shuffle_percentage": 50, "shuffle_location": "front", "seed": None}),
        ("balanced", {"keep_first": 0, "section_count": 4, "seed": None}),
        ("stratified", {"keep_first": 0, "section_count": 5, "seed": None}),
        ("artist_spacing", {"min_spacing": 1, "seed": None}),
        ("album_sequence", {"shuffle_within_albums": False, "seed": None}),
    ],
)
def test_validate_params_fills_in_the_defaults(name, defaults):
    assert validate_params(name, {}) == defaults


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("percentage", {"shuffle_percentage": 0, "shuffle_location": "back"}),
        ("percentage", {"shuffle_percentage": 100}),
        ("percentage", {"shuffle_percentage": 33.3}),
        ("basic", {"keep_first": 10**6, "seed": 2**80}),
        ("basic", {"seed": None}),
        ("balanced", {"section_count": 1}),
        ("artist_spacing", {"min_spacing": 10}),
        ("album_sequence", {"shuffle_within_albums": True}),
    ],
)
def test_validate_params_accepts_values_at_the_edges(name, params):
    assert validate_params(name, params).items() >= params.items()


def test_describe_lists_all_eight_algorithms_in_order():
    names = [algorithm["name"] for algorithm in describe()]
    assert names == [
        "basic",
        "percentage",
        "balanced",
        "stratified",
        "artist_spacing",
        "album_sequence",
        "sort",
        "newest_first",
    ]


def test_describe_is_json_serialisable():
    assert json.loads(json.dumps(describe())) == describe()


def test_every_described_parameter_has_every_key_and_seed_comes_last():
    keys = {"name", "type", "default", "min", "max", "choices", "description"}
    for algorithm in describe():
        assert {"name", "title", "description", "parameters"} <= algorithm.keys()
        assert all(parameter.keys() == keys for parameter in algorithm["parameters"])
        assert algorithm["parameters"][-1]["name"] == "seed"
