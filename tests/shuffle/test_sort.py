"""The sort and newest_first algorithms (issue 20): a permutation, ordered by the field,
stable, case- and accent-insensitive, items without the field last in both directions."""

import unicodedata
from collections import Counter
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shuffify.shuffle import shuffle, validate_params
from shuffify.shuffle.sort import FIELDS, KEYS, folded

PROPERTY = settings(max_examples=150, deadline=None, database=None)
TEXT = st.none() | st.sampled_from(["abba", "Abba", "ÁBBA", "Zed", "éclair", "Eclair", "beta", ""])
DATES = st.none() | st.sampled_from(["2001", "2001-05", "2001-05-14", "1999-12-31", "2020-01-02"])
TRACKS = st.builds(
    lambda i, name, artist, album, added, released, duration: {
        "uri": f"spotify:track:{i}",
        "name": name,
        "artists": [artist] if artist is not None else [],
        "album": album,
        "added_at": None if added is None else f"{added}T00:00:00Z",
        "release_date": released,
        "duration_ms": duration,
    },
    i=st.integers(0, 5),
    name=TEXT,
    artist=TEXT,
    album=TEXT,
    added=st.none() | st.sampled_from(["2020-01-01", "2021-06-30", "2019-03-03"]),
    released=DATES,
    duration=st.none() | st.integers(1000, 1005),
)


def tagged(tracks: list[dict]) -> list[dict]:
    """Each track with its input position, so stability can be checked."""
    return [{**track, "at": position} for position, track in enumerate(tracks)]


@PROPERTY
@given(tracks=st.lists(TRACKS, max_size=20), by=st.sampled_from(FIELDS), desc=st.booleans())
def test_sort_is_a_stable_permutation_ordered_by_the_key_with_missing_last(tracks, by, desc):
    direction = "desc" if desc else "asc"
    given_tracks = tagged(tracks)
    result = shuffle("sort", given_tracks, {"by": by, "direction": direction})
    assert Counter(t["at"] for t in result) == Counter(t["at"] for t in given_tracks)
    keys = [KEYS[by](t) for t in result]
    present = [k for k in keys if k is not None]
    assert keys[: len(present)] == present  # every missing key comes after every present one
    assert present == sorted(present, reverse=desc)
    for before, after in pairwise(result):
        if KEYS[by](before) == KEYS[by](after):
            assert before["at"] < after["at"]  # stable, in both directions


@PROPERTY
@given(tracks=st.lists(TRACKS, max_size=20))
def test_newest_first_is_sort_by_added_at_descending(tracks):
    given_tracks = tagged(tracks)
    expected = shuffle("sort", given_tracks, {"by": "added_at", "direction": "desc"})
    assert shuffle("newest_first", given_tracks, {}) == expected


def test_text_is_compared_without_case_or_accents():
    names = ["zulu", "Éclair", "apple", "eclair", "ÉCLAIR", "Apple"]
    tracks = [{"uri": str(i), "name": name} for i, name in enumerate(names)]
    result = shuffle("sort", tracks, {"by": "title"})
    assert [t["name"] for t in result] == ["apple", "Apple", "Éclair", "eclair", "ÉCLAIR", "zulu"]


def test_missing_fields_go_last_in_both_directions():
    tracks = [
        {"uri": "a", "duration_ms": None},
        {"uri": "b", "duration_ms": 3},
        {"uri": "c"},
        {"uri": "d", "duration_ms": 1},
    ]
    asc = shuffle("sort", tracks, {"by": "duration"})
    desc = shuffle("sort", tracks, {"by": "duration", "direction": "desc"})
    assert [t["uri"] for t in asc] == ["d", "b", "a", "c"]
    assert [t["uri"] for t in desc] == ["b", "d", "a", "c"]


def test_artist_is_the_first_artist_and_release_dates_of_any_precision_compare():
    tracks = [
        {"uri": "1", "artists": ["Zoë", "Abba"], "release_date": "2001-05-14"},
        {"uri": "2", "artists": ["Björk"], "release_date": "2001"},
        {"uri": "3", "artists": [], "release_date": "1999-01"},
    ]
    assert [t["uri"] for t in shuffle("sort", tracks, {"by": "artist"})] == ["2", "1", "3"]
    by_date = shuffle("sort", tracks, {"by": "release_date"})
    assert [t["uri"] for t in by_date] == ["3", "2", "1"]


def reference_folded(text: object) -> str | None:
    """The definition folded's ASCII fast path must match: NFKD, marks dropped, casefolded."""
    if not isinstance(text, str) or not text.strip():
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


@PROPERTY
@given(st.one_of(st.text(), st.text(alphabet=st.characters(max_codepoint=127)), st.none()))
def test_folded_is_its_definition_on_any_text(text):
    assert folded(text) == reference_folded(text)


def test_folded_drops_marks_and_case_and_treats_blank_as_missing():
    assert folded("Ångström Café") == folded("angstrom cafe") == "angstrom cafe"
    assert folded("   ") is None
    assert folded(None) is None


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"by": "tempo"}, "by must be one of added_at"),
        ({"direction": "up"}, "direction must be one of asc, desc"),
        ({"by": 3}, "by must be one of"),
    ],
)
def test_sort_refuses_unknown_fields_and_directions(params, message):
    with pytest.raises(ValueError, match=message):
        validate_params("sort", params)


def test_newest_first_takes_no_parameters_but_the_seed():
    with pytest.raises(ValueError, match="unknown parameter 'by'"):
        validate_params("newest_first", {"by": "title"})
