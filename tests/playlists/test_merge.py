"""The three-way restore merge (issue 19), as plain functions: no database, no Spotify.

Covered: the issue's undo of a workshop save (5 removed, 1 added) gives back exactly the
30 tracks in order; tracks added in Spotify's app are kept at the end and listed; what
Shuffify's later changes added is removed, what they removed comes back; a track removed
outside Shuffify is restored (the documented choice); duplicates are counted; local files
and unavailable entries that are not live are skipped with a reason, and the target never
asks the writer for what it cannot do. Properties (hypothesis) over small lists with
duplicates, local files and unavailable entries pin the multiset arithmetic.
"""

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from shuffify.playlists.merge import (
    LOCAL_REASON,
    UNAVAILABLE_REASON,
    addable,
    last_copies,
    outside_changes,
    restore,
    surplus,
)


def track(n: int) -> str:
    return f"spotify:track:{n:022d}"


LOCAL = "spotify:local:Artist:Album:Song:200"
OTHER_LOCAL = "spotify:local:Band:Record:Tune:180"
EPISODE = "spotify:episode:" + "e" * 22

items = st.sampled_from([track(1), track(2), track(3), track(4), EPISODE, LOCAL, OTHER_LOCAL, None])
lists = st.lists(items, max_size=12)


def restored_part(version, skipped):
    gone = {entry["position"] for entry in skipped}
    return [uri for position, uri in enumerate(version) if position not in gone]


def is_subsequence(small, big) -> bool:
    remaining = iter(big)
    return all(any(item == other for other in remaining) for item in small)


# Examples the issue names


def test_undo_of_a_workshop_save_that_removed_five_and_added_one_gives_back_the_thirty():
    before = [track(n) for n in range(30)]
    removed = {track(n) for n in (2, 7, 11, 20, 29)}
    after_save = [uri for uri in before if uri not in removed] + [track(99)]
    assert len(after_save) == 26

    result = restore(before, base=after_save, live=after_save)

    assert result.target == before
    assert result.kept == []
    assert result.skipped == []


def test_undo_after_a_reordering_save_restores_the_order():
    before = [track(n) for n in range(10)]
    after = list(reversed(before))
    assert restore(before, after, after).target == before


def test_tracks_added_in_spotifys_app_since_are_kept_at_the_end_and_listed():
    before = [track(1), track(2), track(3)]
    shuffled = [track(3), track(1), track(2)]
    live = [track(3), track(8), track(1), track(2), track(9)]

    result = restore(before, base=shuffled, live=live)

    assert result.target == [track(1), track(2), track(3), track(8), track(9)]
    assert result.kept == [track(8), track(9)]


def test_what_shuffifys_later_changes_added_is_removed_and_what_they_removed_comes_back():
    version = [track(1), track(2), track(3)]
    base = [track(1), track(4), track(3)]  # later changes removed 2 and added 4
    live = [track(1), track(4), track(3), track(5)]  # 5 added in Spotify's app since

    result = restore(version, base, live)

    assert result.target == [track(1), track(2), track(3), track(5)]
    assert result.kept == [track(5)]


def test_redo_is_the_same_merge_the_other_way():
    before = [track(1), track(2), track(3)]
    after = [track(3), track(4)]
    undone = restore(after, base=before, live=before).target
    assert undone == after
    assert restore(before, base=undone, live=undone).target == before


def test_a_track_removed_outside_shuffify_since_base_is_restored():
    version = [track(1), track(2), track(3)]
    base = list(version)
    live = [track(1), track(3)]  # 2 removed in Spotify's app (or by Spotify)

    result = restore(version, base, live)

    assert result.target == version
    assert result.kept == []
    assert outside_changes(base, live).removed == [track(2)]


def test_duplicates_are_counted_not_collapsed():
    version = [track(1), track(2), track(1), track(1)]
    base = [track(1), track(2)]
    live = [track(2), track(1), track(2)]  # a second copy of 2 added in Spotify's app

    result = restore(version, base, live)

    assert result.target == [track(1), track(2), track(1), track(1), track(2)]
    assert result.kept == [track(2)]


def test_a_local_file_no_longer_live_is_skipped_with_its_reason_and_the_rest_restored():
    version = [track(1), LOCAL, track(2), None, track(3)]
    base = [track(1), track(2), track(3)]
    live = list(base)

    result = restore(version, base, live)

    assert result.target == [track(1), track(2), track(3)]
    assert result.skipped == [
        {"position": 1, "uri": LOCAL, "reason": LOCAL_REASON},
        {"position": 3, "uri": None, "reason": UNAVAILABLE_REASON},
    ]


def test_local_files_and_unavailable_entries_still_live_keep_their_version_positions():
    version = [LOCAL, track(1), None, track(2)]
    base = [track(2), None, track(1), LOCAL]
    live = list(base)

    assert restore(version, base, live).target == version


def test_an_unavailable_entry_cannot_be_removed_so_it_stays_at_the_end():
    version = [track(1), track(2)]
    base = [track(2), None, track(1)]
    live = list(base)

    result = restore(version, base, live)

    assert result.target == [track(1), track(2), None]
    assert result.kept == [None]


def test_a_local_file_brought_in_by_later_changes_is_removed_entirely():
    version = [track(1), track(2)]
    base = [track(2), LOCAL, track(1), LOCAL]
    live = list(base)

    assert restore(version, base, live).target == [track(1), track(2)]


def test_one_copy_of_a_duplicated_local_file_cannot_be_removed_so_both_stay():
    version = [LOCAL, track(1)]
    base = [LOCAL, track(1), LOCAL]
    live = list(base)

    result = restore(version, base, live)

    assert result.target == [LOCAL, track(1), LOCAL]
    assert result.kept == [LOCAL]


def test_a_local_file_added_in_spotifys_app_is_kept():
    version = [track(1)]
    base = [track(1)]
    live = [LOCAL, track(1)]

    result = restore(version, base, live)

    assert result.target == [track(1), LOCAL]
    assert result.kept == [LOCAL]


def test_empty_lists():
    assert restore([], [], []) == ([], [], [])
    assert restore([track(1)], [], []).target == [track(1)]
    assert restore([], [track(1)], [track(1)]).target == []


def test_of_several_copies_the_last_ones_are_the_kept_ones():
    live = [track(1), track(2), track(1)]
    assert last_copies(live, Counter({track(1): 1, track(2): 1})) == [track(2), track(1)]
    assert surplus(live, Counter({track(1): 1})) == [track(2), track(1)]


def test_outside_changes_counts_both_ways_with_duplicates():
    base = [track(1), track(2), track(2), None]
    live = [track(2), track(3), track(1), track(3)]
    changes = outside_changes(base, live)
    assert changes.added == [track(3), track(3)]
    assert changes.removed == [track(2), None]


def test_addable():
    assert addable(track(1)) and addable(EPISODE)
    assert not addable(LOCAL) and not addable(None)


# Properties


@given(lists, lists, lists)
def test_target_is_the_restorable_version_in_order_then_kept(version, base, live):
    result = restore(version, base, live)
    restored = restored_part(version, result.skipped)
    assert result.target == restored + result.kept
    assert Counter(result.target) == Counter(restored) + Counter(result.kept)


@given(lists, lists, lists)
def test_everything_addable_in_the_version_is_restored_as_often_as_it_was(version, base, live):
    result = restore(version, base, live)
    restored = Counter(restored_part(version, result.skipped))
    for uri, count in Counter(version).items():
        if addable(uri):
            assert restored[uri] == count
        else:
            assert restored[uri] == min(count, Counter(live)[uri])


@given(lists, lists, lists)
def test_only_what_cannot_be_added_is_skipped_each_with_its_reason(version, base, live):
    for entry in restore(version, base, live).skipped:
        assert not addable(entry["uri"])
        assert version[entry["position"]] == entry["uri"]
        expected = UNAVAILABLE_REASON if entry["uri"] is None else LOCAL_REASON
        assert entry["reason"] == expected


@given(lists, lists, lists)
def test_nothing_added_outside_shuffify_is_lost(version, base, live):
    target = Counter(restore(version, base, live).target)
    for uri, count in (Counter(live) - Counter(base)).items():
        assert target[uri] >= count


@given(lists, lists, lists)
def test_kept_items_come_from_live_in_live_order(version, base, live):
    kept = restore(version, base, live).kept
    assert not Counter(kept) - Counter(live)
    assert is_subsequence(kept, live)


@given(lists, lists, lists)
def test_addable_counts_are_version_plus_outside_additions(version, base, live):
    target = Counter(restore(version, base, live).target)
    in_version, in_base, in_live = Counter(version), Counter(base), Counter(live)
    for uri in in_version.keys() | in_base.keys() | in_live.keys():
        if addable(uri):
            assert target[uri] == in_version[uri] + max(0, in_live[uri] - in_base[uri])


@given(lists, lists, lists)
def test_the_target_asks_the_writer_for_nothing_it_cannot_do(version, base, live):
    target, live_counts = Counter(restore(version, base, live).target), Counter(live)
    assert all(addable(uri) for uri in target - live_counts)
    assert target[None] == live_counts[None]
    for uri in live_counts:
        if uri is not None and not addable(uri):
            assert target[uri] in (0, live_counts[uri])


@given(lists, lists)
def test_with_nothing_changed_outside_the_addable_version_comes_back_exactly(version, base):
    version = [uri for uri in version if addable(uri)]
    base = [uri for uri in base if addable(uri)]
    result = restore(version, base, base)
    assert result.target == version
    assert result.kept == result.skipped == []


@given(lists, st.randoms(use_true_random=False))
def test_undoing_a_reordering_restores_the_order_exactly(version, random):
    shuffled = list(version)
    random.shuffle(shuffled)
    result = restore(version, base=shuffled, live=shuffled)
    assert result.target == version
    assert result.kept == result.skipped == []


@given(lists, lists)
def test_outside_changes_turn_base_into_live_as_multisets(base, live):
    changes = outside_changes(base, live)
    assert Counter(base) - Counter(changes.removed) + Counter(changes.added) == Counter(live)
    assert not Counter(changes.added) & Counter(changes.removed)
