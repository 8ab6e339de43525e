"""Snapshot encoding and diffs (issue 19), as plain functions: no database, no Spotify.

Covered: any list of URIs and None (local files, odd text, unicode, duplicates) decodes to
exactly itself (hypothesis); 10,000 distinct track URIs take at most 300 KB (the issue's
bound) and 16 bytes an item with real-shaped ids; bytes that encode() did not write are
refused. diff(): added and removed are multiset differences in order, moved + unchanged is
the common part, unchanged is the longest common subsequence when no URI repeats
(checked against the quadratic DP), and 10,000-item diffs give the expected counts.
"""

import random
import zlib
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shuffify.playlists.snapshot_codec import ALPHABET, CorruptSnapshot, decode, diff, encode

ISSUE_BOUND = 300_000
base62_ids = st.text(alphabet=ALPHABET, min_size=22, max_size=22)
uris = st.one_of(
    st.none(),
    base62_ids.map(lambda i: f"spotify:track:{i}"),
    base62_ids.map(lambda i: f"spotify:episode:{i}"),
    st.text(min_size=1).map(lambda name: f"spotify:local:{name}"),
    st.text(),
)


def real_shaped_ids(count: int, seed: int = 19) -> list[str]:
    """Ids as Spotify issues them: 128-bit numbers written as 22 base62 digits."""
    rng = random.Random(seed)
    return [to_base62(rng.getrandbits(128)) for _ in range(count)]


def to_base62(value: int) -> str:
    digits = []
    for _ in range(22):
        value, digit = divmod(value, 62)
        digits.append(ALPHABET[digit])
    return "".join(reversed(digits))


def lcs_length(a, b) -> int:
    """The textbook quadratic longest common subsequence, to check diff() against."""
    previous = [0] * (len(b) + 1)
    for item in a:
        current = [0]
        for j, other in enumerate(b):
            current.append(previous[j] + 1 if item == other else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def track(n: int) -> str:
    return f"spotify:track:{n:022d}"


# Encoding


@given(st.lists(uris, max_size=50))
def test_any_list_decodes_to_exactly_itself(items):
    assert decode(encode(items)) == items


def test_every_kind_of_entry_round_trips():
    items = [
        "spotify:track:4iV5W9uYEdYUVa79Axb7Rh",
        "spotify:track:" + "0" * 22,
        "spotify:track:" + "Z" * 22,  # above 2**128: 17 bytes
        "spotify:episode:512ojhOuo1ktJprKbVcKyQ",
        None,
        "spotify:local:The+Waymores:Heart+of+Stone:Heart+of+Stone:128",
        "spotify:local:Ünïcödé:✓:🎵:1",
        "spotify:track:short",
        "spotify:track:4iV5W9uYEdYUVa79Axb7Rh",
        "",
        "with\nnewline and\0nul",
    ]
    assert decode(encode(items)) == items


def test_the_empty_list_round_trips():
    assert decode(encode([])) == []


def test_ten_thousand_distinct_tracks_take_sixteen_bytes_each():
    items = [f"spotify:track:{i}" for i in real_shaped_ids(10_000)]
    encoded = encode(items)
    print(f"10,000 real-shaped track URIs: {len(encoded)} bytes")
    assert decode(encoded) == items
    assert len(encoded) <= ISSUE_BOUND
    assert len(encoded) <= 10_000 * 16 + 500
    assert len(encoded) < len(zlib.compress("\n".join(items).encode(), 9))


def test_ten_thousand_tracks_with_any_base62_ids_stay_under_the_bound():
    rng = random.Random(7)
    items = [f"spotify:track:{to_base62(rng.randrange(62**22))}" for _ in range(10_000)]
    encoded = encode(items)
    print(f"10,000 uniformly random base62 ids: {len(encoded)} bytes")
    assert decode(encoded) == items
    assert len(encoded) <= 10_000 * 17 + 500


def mixed_item(position: int, item_id: str) -> str | None:
    """Every tenth a local file, an unavailable entry and an episode; tracks otherwise."""
    kind = position % 10
    if kind == 0:
        return f"spotify:local:Artist+{position}:Album:Song+{item_id[:8]}:200"
    if kind == 1:
        return None
    return f"spotify:{'episode' if kind == 2 else 'track'}:{item_id}"


def test_ten_thousand_items_of_every_kind_stay_under_the_bound():
    items = [mixed_item(n, item_id) for n, item_id in enumerate(real_shaped_ids(10_000, 3))]
    encoded = encode(items)
    assert decode(encoded) == items
    assert len(encoded) <= ISSUE_BOUND


def test_repeated_tracks_cost_almost_nothing():
    items = [track(1)] * 10_000
    assert len(encode(items)) < 1_000


@pytest.mark.parametrize(
    "data",
    [b"", b"\x02" + zlib.compress(b"\x00"), b"\x01not zlib", b"\x01" + zlib.compress(b"\x05\x00")],
)
def test_bytes_encode_did_not_write_are_refused(data):
    with pytest.raises(CorruptSnapshot):
        decode(data)


def test_truncated_or_padded_bodies_are_refused():
    body = zlib.decompress(encode([track(1), "spotify:local:x"])[1:])
    for broken in (body[:-1], body + b"\x00", body[:3]):
        with pytest.raises(CorruptSnapshot):
            decode(b"\x01" + zlib.compress(broken))


def test_only_uris_and_none_can_be_encoded():
    with pytest.raises(TypeError):
        encode([track(1), 42])


# Diff


def test_diff_names_added_removed_and_counts_moved_and_unchanged():
    snapshot = [track(1), track(2), track(3), track(4)]
    live = [track(2), track(1), track(3), track(5)]
    assert diff(snapshot, live) == {
        "added": [track(5)],
        "removed": [track(4)],
        "moved": 1,
        "unchanged": 2,
    }


def test_diff_of_identical_lists_moves_nothing():
    items = [track(n) for n in range(5)] + [None, track(1)]
    assert diff(items, items) == {"added": [], "removed": [], "moved": 0, "unchanged": 7}


def test_diff_counts_duplicates():
    snapshot = [track(1), track(1), track(2), None]
    live = [track(2), track(1), track(2), track(2)]
    result = diff(snapshot, live)
    assert result["added"] == [track(2), track(2)]
    assert result["removed"] == [track(1), None]
    assert result["moved"] + result["unchanged"] == 2


def test_diff_of_a_reversed_playlist_moves_all_but_one():
    items = [track(n) for n in range(100)]
    assert diff(items, items[::-1])["moved"] == 99


def test_diff_of_ten_thousand_items_with_one_moved_and_one_added():
    items = [f"spotify:track:{i}" for i in real_shaped_ids(10_000)]
    live = items[1:5_000] + items[:1] + items[5_000:] + [track(1)]
    result = diff(items, live)
    assert result == {"added": [track(1)], "removed": [], "moved": 1, "unchanged": 9_999}


def test_diff_of_ten_thousand_shuffled_items_adds_up():
    items = [f"spotify:track:{i}" for i in real_shaped_ids(10_000)]
    live = list(items)
    random.Random(1).shuffle(live)
    result = diff(items, live)
    assert result["added"] == result["removed"] == []
    assert result["moved"] + result["unchanged"] == 10_000
    assert 0 < result["unchanged"] < 400  # about 2 * sqrt(n) for a random permutation


small_lists = st.lists(st.sampled_from([track(1), track(2), track(3), None]), max_size=10)


@given(small_lists, small_lists)
def test_diff_adds_up(a, b):
    result = diff(a, b)
    assert Counter(a) - Counter(result["removed"]) + Counter(result["added"]) == Counter(b)
    common = len(a) - len(result["removed"])
    assert common == len(b) - len(result["added"])
    assert result["moved"] + result["unchanged"] == common
    assert 0 <= result["unchanged"] <= lcs_length(a, b)


@given(st.lists(st.integers(0, 30), unique=True, max_size=15), st.randoms())
def test_without_repeats_unchanged_is_the_longest_common_subsequence(numbers, rng):
    a = [track(n) for n in numbers]
    b = [track(n) for n in rng.sample(numbers, len(numbers)) if n % 4] + [track(99)]
    assert diff(a, b)["unchanged"] == lcs_length(a, b)
