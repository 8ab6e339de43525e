"""Plan the fewest Spotify API calls that turn a playlist's order into another.

Why this exists: Spotify offers two ways to change a playlist's order, with very
different costs, and a shuffle only needs the order changed.

* A REPLACE writes the whole list: ``PUT {uris}`` with at most 100 items, then a
  ``POST {uris}`` append for each further 100, so ``ceil(n / 100)`` calls (at least
  one). It cannot carry local files (``spotify:local:...``) nor entries whose uri
  is unknown (``None``), and if a later call fails the playlist is left truncated.
* A MOVE (``PUT {range_start, insert_before, range_length}``) relocates one
  contiguous block per call and never loses anything, whatever fails later.

A small edit of a long playlist is therefore a handful of moves, a full shuffle is
a replace, and a playlist with local files can only be reordered by moves.

Sorting by block moves ("sorting by transpositions") optimally is NP-hard, so
:func:`plan_moves` uses a longest-increasing-subsequence (LIS) heuristic:

1. Each target position is mapped to an index of ``current``: the k-th occurrence
   of a uri in ``target`` is the k-th occurrence in ``current`` (duplicates keep
   their relative order; ``None`` entries are treated like any other value).
2. A longest increasing subsequence of those old indices stays where it is
   (O(n log n) patience sorting with back-pointers).
3. Every other item, in target order, is put right after its target predecessor
   (or at the front). A maximal run of such items that are consecutive in the
   target and adjacent and in order in the list at the time of the move goes as
   ONE block. A move that would be a no-op is never emitted.

Guarantees: the moves turn ``current`` into ``target``; their number is at most
:func:`minimum_moves_bound` (the number of runs of off-LIS items that are
consecutive in the target and consecutive and in order in ``current``), which is
at most the number of items off the LIS; one moved item, one moved contiguous
block or one swapped adjacent pair (of distinct uris) costs exactly one move.
With duplicate uris the fixed occurrence mapping can cost more than the true
minimum (moving one of several copies across another copy, for instance).

Computing the plan is O(n log n): the working list is never materialised. Every
item owns a slot in a static order of at most 2n slots (its place in ``current``
and, if it moves, its place in the result) and a Fenwick tree over occupied slots
gives any item's index in the list at the time of each move.

The module is pure: no I/O, nothing here talks to Spotify.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter, defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "REPLACE_BATCH",
    "Move",
    "WritePlan",
    "apply_move",
    "can_replace",
    "minimum_moves_bound",
    "plan_moves",
    "plan_write",
    "replace_calls",
]

REPLACE_BATCH = 100
"""The most uris one replace (PUT) or append (POST) call may carry."""

LOCAL_PREFIX = "spotify:local:"


@dataclass(frozen=True)
class Move:
    """One reorder call: move ``range_length`` items from ``range_start`` to before
    the item that was at index ``insert_before`` before the move."""

    range_start: int
    insert_before: int
    range_length: int = 1

    def __post_init__(self) -> None:
        if self.range_start < 0 or self.insert_before < 0:
            raise ValueError(f"negative index in {self!r}")
        if self.range_length < 1:
            raise ValueError(f"range_length must be at least 1 in {self!r}")

    def as_body(self) -> dict:
        """The JSON body of Spotify's ``PUT /playlists/{id}/tracks`` reorder call."""
        return {
            "range_start": self.range_start,
            "insert_before": self.insert_before,
            "range_length": self.range_length,
        }

    @property
    def is_noop(self) -> bool:
        """True when the move leaves any list unchanged."""
        return self.range_start <= self.insert_before <= self.range_start + self.range_length


def apply_move(items: list, move: Move) -> list:
    """Return a new list: ``items`` after ``move``, with Spotify's semantics."""
    start, length, before = move.range_start, move.range_length, move.insert_before
    if start + length > len(items) or before > len(items):
        raise ValueError(f"{move!r} is out of range for a list of {len(items)} items")
    if move.is_noop:
        return list(items)
    block = items[start : start + length]
    rest = items[:start] + items[start + length :]
    position = before if before < start else before - length
    return rest[:position] + block + rest[position:]


def _old_indices(current: Sequence[str | None], target: Sequence[str | None]) -> list[int]:
    """For each target position, the index in ``current`` of the same item.

    The k-th occurrence of a value in ``target`` is the k-th one in ``current``.
    Raises ValueError unless ``target`` is a permutation of ``current``.
    """
    if len(current) != len(target) or Counter(current) != Counter(target):
        raise ValueError("target is not a permutation of current (tracks added or removed)")
    positions: defaultdict[str | None, deque[int]] = defaultdict(deque)
    for index, uri in enumerate(current):
        positions[uri].append(index)
    return [positions[uri].popleft() for uri in target]


def _lis_mask(values: Sequence[int]) -> list[bool]:
    """Which positions of ``values`` lie on one longest strictly increasing subsequence."""
    tails: list[int] = []  # tails[k]: smallest last value of an increasing run of length k+1
    tail_at: list[int] = []  # the position holding tails[k]
    previous = [-1] * len(values)
    for position, value in enumerate(values):
        k = bisect_left(tails, value)
        if k:
            previous[position] = tail_at[k - 1]
        if k == len(tails):
            tails.append(value)
            tail_at.append(position)
        else:
            tails[k] = value
            tail_at[k] = position
    mask = [False] * len(values)
    position = tail_at[-1] if tail_at else -1
    while position >= 0:
        mask[position] = True
        position = previous[position]
    return mask


def minimum_moves_bound(current: Sequence[str | None], target: Sequence[str | None]) -> int:
    """The number of moves :func:`plan_moves` needs at most.

    Count of maximal runs, in target order, of items off the longest increasing
    subsequence that are consecutive in ``target`` and consecutive and in order in
    ``current``. ``plan_moves`` returns exactly this many moves in the common cases
    (one item moved, one block moved, an adjacent pair swapped) and never more.
    Raises ValueError unless ``target`` is a permutation of ``current``.
    """
    old = _old_indices(current, target)
    stays = _lis_mask(old)
    runs = 0
    for j, index in enumerate(old):
        if stays[j]:
            continue
        continues_run = j > 0 and not stays[j - 1] and old[j - 1] + 1 == index
        if not continues_run:
            runs += 1
    return runs


class _Occupancy:
    """A Fenwick tree of 0/1 flags: which slots hold an item, and how many lie before a slot."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.tree = [0] * (size + 1)

    def add(self, slot: int, delta: int) -> None:
        tree, size = self.tree, self.size
        i = slot + 1
        while i <= size:
            tree[i] += delta
            i += i & -i

    def before(self, slot: int) -> int:
        """How many occupied slots lie strictly before ``slot``."""
        tree = self.tree
        total = 0
        i = slot
        while i > 0:
            total += tree[i]
            i -= i & -i
        return total


def plan_moves(current: Sequence[str | None], target: Sequence[str | None]) -> list[Move]:
    """Moves that turn ``current`` into ``target`` when applied in order.

    ``target`` must be a permutation of ``current`` (the same multiset, duplicates
    and ``None`` entries allowed); ValueError otherwise. See the module docstring
    for the algorithm and its guarantees.
    """
    old = _old_indices(current, target)
    n = len(old)
    stays = _lis_mask(old)

    # Static slot order: every item of `current` in its place; right after each
    # item that stays (and at the very front) the result slots of the items that
    # follow it in `target` up to the next item that stays. At every moment the
    # working list is the occupied slots in slot order.
    followers: list[list[int]] = [[] for _ in range(n)]  # keyed by old index
    head: list[int] = []  # target positions before the first item that stays
    anchor = -1
    for j in range(n):
        if stays[j]:
            anchor = old[j]
        elif anchor < 0:
            head.append(j)
        else:
            followers[anchor].append(j)

    source_slot = [0] * n  # keyed by old index: the slot the item starts in
    result_slot = [0] * n  # keyed by target position: the slot the item ends in
    slot = 0
    for j in head:
        result_slot[j] = slot
        slot += 1
    for index in range(n):
        source_slot[index] = slot
        slot += 1
        for j in followers[index]:
            result_slot[j] = slot
            slot += 1
    for j in range(n):
        if stays[j]:
            result_slot[j] = source_slot[old[j]]

    occupancy = _Occupancy(slot)
    for index in range(n):
        occupancy.add(source_slot[index], 1)

    moves: list[Move] = []
    j = 0
    while j < n:
        if stays[j]:
            j += 1
            continue
        first_slot = source_slot[old[j]]
        range_start = occupancy.before(first_slot)
        insert_before = occupancy.before(result_slot[j - 1]) + 1 if j else 0
        # Extend the block while the next target item also moves and sits right
        # after this one in the working list (it has not moved yet, so it is
        # still in its source slot).
        end = j + 1
        last_slot = first_slot
        while end < n and not stays[end]:
            next_slot = source_slot[old[end]]
            if next_slot < last_slot:
                break
            if old[end] != old[end - 1] + 1 and occupancy.before(next_slot) != (
                occupancy.before(last_slot) + 1
            ):
                break
            last_slot = next_slot
            end += 1
        length = end - j
        # With a maximum LIS the block is never already in place; kept as a guard.
        if not range_start <= insert_before <= range_start + length:
            moves.append(Move(range_start, insert_before, length))
        for k in range(j, end):
            occupancy.add(source_slot[old[k]], -1)
            occupancy.add(result_slot[k], 1)
        j = end
    return moves


def replace_calls(count: int) -> int:
    """Calls a replace of ``count`` uris takes: one PUT, then a POST per further 100."""
    return max(1, math.ceil(count / REPLACE_BATCH))


def can_replace(target: Sequence[str | None]) -> bool:
    """Whether ``target`` can be written by a replace: no unknown uri, no local file."""
    return all(uri is not None and not uri.startswith(LOCAL_PREFIX) for uri in target)


_KINDS = ("none", "replace", "moves")


@dataclass(frozen=True)
class WritePlan:
    """How to write a new order: nothing, a replace of ``item_count`` uris, or ``moves``."""

    kind: str  # "none" | "replace" | "moves"
    moves: tuple[Move, ...] = ()
    item_count: int = 0  # uris a replace writes (only for kind == "replace")

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"kind must be one of {_KINDS}, not {self.kind!r}")
        if self.moves and self.kind != "moves":
            raise ValueError(f"a {self.kind!r} plan carries no moves")

    @property
    def calls(self) -> int:
        """API calls the plan takes."""
        if self.kind == "replace":
            return replace_calls(self.item_count)
        return len(self.moves)


def plan_write(current: Sequence[str | None], target: Sequence[str | None]) -> WritePlan:
    """The cheapest way to make the playlist ``current`` read ``target``.

    "none" when they are equal. Otherwise the cheaper of a replace (only when
    :func:`can_replace` allows it) and moves; a tie goes to moves, since a move
    never truncates the playlist when a later call fails. When ``target`` is not a
    permutation of ``current`` (tracks added or removed) only a replace can write
    it: ValueError if ``target`` cannot be replaced.
    """
    if list(current) == list(target):
        return WritePlan("none")
    replace = WritePlan("replace", item_count=len(target))
    replaceable = can_replace(target)
    try:
        moves = plan_moves(current, target)
    except ValueError:
        if replaceable:
            return replace
        raise ValueError(
            "target adds or removes tracks and holds local files or unknown uris,"
            " so neither a replace nor moves can write it"
        ) from None
    if replaceable and replace.calls < len(moves):
        return replace
    return WritePlan("moves", moves=tuple(moves))
