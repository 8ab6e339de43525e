"""shuffify.playlists.reorder: the fewest Spotify calls that give a playlist a new order."""

import random

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from shuffify.playlists.reorder import (
    Move,
    WritePlan,
    apply_move,
    can_replace,
    minimum_moves_bound,
    plan_moves,
    plan_write,
    replace_calls,
)

PROPERTIES = settings(max_examples=200, deadline=None)

LOCAL = "spotify:local:Artist:Album:Song:180"
# A small pool, so drawn playlists repeat uris, hold None and local files.
URIS = (
    st.sampled_from(
        ["spotify:track:a", "spotify:track:b", "spotify:track:c", "spotify:episode:d", LOCAL]
    )
    | st.none()
)


def tracks(count):
    return [f"spotify:track:{i}" for i in range(count)]


def apply_all(items, moves):
    for move in moves:
        items = apply_move(items, move)
    return items


def off_lis_count(current, target):
    """Items off a longest increasing subsequence of the stable occurrence mapping (O(n^2))."""
    used = set()
    old = []
    for uri in target:
        index = next(i for i, u in enumerate(current) if u == uri and i not in used)
        used.add(index)
        old.append(index)
    best = [1] * len(old)
    for j in range(len(old)):
        for i in range(j):
            if old[i] < old[j]:
                best[j] = max(best[j], best[i] + 1)
    return len(old) - max(best, default=0)


@st.composite
def playlist_and_shuffle(draw, elements=URIS, max_size=40, unique=False):
    current = draw(st.lists(elements, max_size=max_size, unique=unique))
    return current, draw(st.permutations(current))


@st.composite
def distinct_playlist(draw, min_size=1, max_size=60):
    return tracks(draw(st.integers(min_size, max_size)))


# apply_move: Spotify's semantics, worked by hand on a b c d e.


@pytest.mark.parametrize(
    ("move", "expected"),
    [
        (Move(0, 3), "bcade"),  # forward: a goes before d
        (Move(4, 1), "aebcd"),  # backward: e goes before b
        (Move(1, 5, 2), "adebc"),  # a block to the end (insert_before == len)
        (Move(3, 0, 2), "deabc"),  # a block to the front
        (Move(0, 5), "bcdea"),  # the first item to the end
        (Move(1, 4, 2), "adbce"),  # a block forward past one item
        (Move(2, 2), "abcde"),  # insert_before == range_start: nothing happens
        (Move(1, 3, 2), "abcde"),  # insert_before == range_start + range_length: nothing
    ],
)
def test_apply_move_follows_spotify_semantics(move, expected):
    items = list("abcde")
    assert apply_move(items, move) == list(expected)
    assert items == list("abcde")  # a new list; the argument is untouched


@pytest.mark.parametrize("move", [Move(4, 1, 2), Move(0, 6), Move(5, 0)])
def test_apply_move_rejects_indices_out_of_range(move):
    with pytest.raises(ValueError):
        apply_move(list("abcde"), move)


@pytest.mark.parametrize("args", [(-1, 0), (0, -1), (0, 1, 0)])
def test_move_rejects_negative_indices_and_empty_ranges(args):
    with pytest.raises(ValueError):
        Move(*args)


def test_move_body_has_spotify_field_names():
    assert Move(3, 0, 2).as_body() == {"range_start": 3, "insert_before": 0, "range_length": 2}
    assert Move(1, 4).as_body()["range_length"] == 1


# plan_moves


@PROPERTIES
@given(playlist_and_shuffle())
def test_applying_the_planned_moves_yields_the_target(case):
    current, target = case
    assert apply_all(current, plan_moves(current, target)) == target


@PROPERTIES
@given(playlist_and_shuffle())
def test_planned_moves_are_never_noops_and_stay_in_range(case):
    current, target = case
    n = len(current)
    for move in plan_moves(current, target):
        assert move.range_length >= 1
        assert move.range_start >= 0
        assert move.range_start + move.range_length <= n
        assert 0 <= move.insert_before <= n
        assert not (move.range_start <= move.insert_before <= move.range_start + move.range_length)


@PROPERTIES
@given(playlist_and_shuffle())
def test_moves_never_exceed_the_bound_nor_the_items_off_the_lis(case):
    current, target = case
    moves = plan_moves(current, target)
    assert len(moves) <= minimum_moves_bound(current, target) <= off_lis_count(current, target)


@PROPERTIES
@given(playlist_and_shuffle(elements=st.integers(0, 10_000).map(str), max_size=60, unique=True))
def test_moves_of_distinct_uris_never_exceed_the_items_off_the_lis(case):
    current, target = case
    assert len(plan_moves(current, target)) <= off_lis_count(current, target)


@PROPERTIES
@given(st.lists(URIS, max_size=40))
def test_identical_lists_need_no_moves(current):
    assert plan_moves(current, list(current)) == []
    assert minimum_moves_bound(current, current) == 0


@PROPERTIES
@given(distinct_playlist(min_size=2), st.data())
def test_one_item_moved_anywhere_takes_exactly_one_move(current, data):
    n = len(current)
    source = data.draw(st.integers(0, n - 1))
    destination = data.draw(st.integers(0, n - 1))
    target = list(current)
    target.insert(destination, target.pop(source))
    assume(target != current)
    moves = plan_moves(current, target)
    assert len(moves) == 1 == minimum_moves_bound(current, target)
    assert apply_all(current, moves) == target


@PROPERTIES
@given(distinct_playlist(min_size=2), st.data())
def test_one_contiguous_block_moved_takes_exactly_one_move(current, data):
    n = len(current)
    start = data.draw(st.integers(0, n - 1))
    length = data.draw(st.integers(1, n - start))
    block = current[start : start + length]
    rest = current[:start] + current[start + length :]
    destination = data.draw(st.integers(0, len(rest)))
    target = rest[:destination] + block + rest[destination:]
    assume(target != current)
    moves = plan_moves(current, target)
    assert len(moves) == 1 == minimum_moves_bound(current, target)
    assert apply_all(current, moves) == target


@PROPERTIES
@given(distinct_playlist(min_size=2), st.data())
def test_swapping_an_adjacent_pair_takes_one_move(current, data):
    i = data.draw(st.integers(0, len(current) - 2))
    target = list(current)
    target[i], target[i + 1] = target[i + 1], target[i]
    moves = plan_moves(current, target)
    assert len(moves) == 1 == minimum_moves_bound(current, target)
    assert apply_all(current, moves) == target


def test_reversing_two_elements_takes_one_move():
    assert len(plan_moves(["a", "b"], ["b", "a"])) == 1
    assert apply_all(["a", "b"], plan_moves(["a", "b"], ["b", "a"])) == ["b", "a"]


def test_duplicates_and_none_entries_are_reordered():
    current = ["x", None, "y", "x", LOCAL, None, "x"]
    target = [None, "x", "x", LOCAL, "y", "x", None]
    assert apply_all(current, plan_moves(current, target)) == target


def test_a_large_random_shuffle_is_planned_correctly():
    current = tracks(2_000)
    target = list(current)
    random.Random(7).shuffle(target)
    moves = plan_moves(current, target)
    assert apply_all(current, moves) == target
    assert len(moves) <= minimum_moves_bound(current, target)


def test_three_items_moved_in_ten_thousand_take_three_moves():
    current = tracks(10_000)
    target = list(current)
    for source, destination in [(10, 9_000), (5_000, 20), (9_999, 4_000)]:
        target.insert(destination, target.pop(source))
    moves = plan_moves(current, target)
    assert len(moves) == 3
    assert apply_all(current, moves) == target


@pytest.mark.parametrize(
    ("current", "target"),
    [(["a", "b"], ["a", "c"]), (["a", "b"], ["a"]), (["a", "a", "b"], ["a", "b", "b"])],
)
def test_plan_moves_rejects_a_target_that_is_not_a_permutation(current, target):
    with pytest.raises(ValueError):
        plan_moves(current, target)
    with pytest.raises(ValueError):
        minimum_moves_bound(current, target)


# replace_calls, can_replace


@pytest.mark.parametrize(
    ("count", "calls"), [(0, 1), (1, 1), (100, 1), (101, 2), (200, 2), (1_000, 10), (1_001, 11)]
)
def test_a_replace_takes_one_call_per_hundred_uris_and_at_least_one(count, calls):
    assert replace_calls(count) == calls


def test_local_files_and_unknown_uris_cannot_be_replaced():
    assert can_replace(["spotify:track:a", "spotify:episode:b"])
    assert can_replace([])
    assert not can_replace(["spotify:track:a", LOCAL])
    assert not can_replace(["spotify:track:a", None])


# WritePlan, plan_write


def test_write_plan_calls_counts_the_api_calls():
    assert WritePlan("none").calls == 0
    assert WritePlan("moves", moves=(Move(0, 2), Move(3, 0, 2))).calls == 2
    assert WritePlan("replace", item_count=250).calls == 3
    assert WritePlan("replace", item_count=0).calls == 1


def test_write_plan_rejects_unknown_kinds_and_stray_moves():
    with pytest.raises(ValueError):
        WritePlan("shuffle")
    with pytest.raises(ValueError):
        WritePlan("replace", moves=(Move(0, 2),))


def test_an_unchanged_order_needs_no_write():
    plan = plan_write(tracks(50), tracks(50))
    assert plan == WritePlan("none")
    assert plan.calls == 0


def test_a_small_edit_of_a_long_playlist_is_written_by_moves():
    current = tracks(1_000)
    target = list(current)
    target.insert(0, target.pop(999))
    target.insert(500, target.pop(3))
    plan = plan_write(current, target)
    assert plan.kind == "moves"
    assert plan.calls == len(plan.moves) == 2
    assert apply_all(current, plan.moves) == target


def test_a_full_shuffle_of_a_long_playlist_is_written_by_replace():
    current = tracks(1_000)
    target = list(current)
    random.Random(3).shuffle(target)
    plan = plan_write(current, target)
    assert plan.kind == "replace"
    assert plan.moves == ()
    assert plan.calls == 10


def test_a_tie_between_replace_and_moves_goes_to_moves():
    current = tracks(150)  # a replace takes 2 calls
    target = list(current)
    target.insert(0, target.pop(149))
    target.insert(100, target.pop(10))
    plan = plan_write(current, target)
    assert plan.kind == "moves"
    assert plan.calls == 2


def test_a_full_shuffle_with_a_local_file_is_written_by_moves():
    current = [*tracks(300), LOCAL]
    target = list(current)
    random.Random(5).shuffle(target)
    plan = plan_write(current, target)
    assert plan.kind == "moves"
    assert apply_all(current, plan.moves) == target


@PROPERTIES
@given(playlist_and_shuffle())
def test_a_playlist_with_a_local_file_or_unknown_uri_is_never_replaced(case):
    current, target = case
    assume(LOCAL in target or None in target)
    plan = plan_write(current, target)
    assert plan.kind != "replace"
    assert apply_all(current, plan.moves) == target


@PROPERTIES
@given(playlist_and_shuffle())
def test_plan_write_picks_the_cheaper_way_and_reaches_the_target(case):
    current, target = case
    plan = plan_write(current, target)
    if target == current:
        assert plan.kind == "none"
        return
    moves = plan_moves(current, target)
    if plan.kind == "replace":
        assert can_replace(target)
        assert plan.calls == replace_calls(len(target)) < len(moves)
    else:
        assert plan.kind == "moves"
        assert list(plan.moves) == moves
        assert apply_all(current, plan.moves) == target


def test_added_or_removed_tracks_are_written_by_replace():
    plan = plan_write(tracks(3), [*tracks(3), "spotify:track:new"])
    assert plan.kind == "replace"
    assert plan.calls == 1
    assert plan_write(tracks(250), tracks(120)).calls == 2


@pytest.mark.parametrize("target", [["spotify:track:0", LOCAL], ["spotify:track:0", None], [LOCAL]])
def test_a_target_that_adds_tracks_and_holds_a_local_file_cannot_be_written(target):
    with pytest.raises(ValueError):
        plan_write(["spotify:track:0", "spotify:track:1"], target)
