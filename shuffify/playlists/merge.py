"""Restoring an earlier version of a playlist without losing a track: a three-way merge.

Undo, redo, restoring a snapshot and importing all turn a playlist back into a
list of URIs. Writing that list as it is would drop whatever was added in
Spotify's app meanwhile; keeping everything live that the list lacks (what the
undo did before) would keep the very tracks the undone change added. So a
restore looks at three lists (issue 19):

- version: the list being restored (a snapshot, a history step, an import);
- base: the last version Shuffify wrote or saw of the playlist;
- live: the playlist as it is now.

Everything is counted as a multiset: a track twice in a list counts twice.
For an addable URI u (a track or an episode), with V, B and L its counts:

- the target holds u V times, at the version's positions: what changes since
  the version added (B > V) is removed again, what they removed (V > B) comes
  back;
- plus max(0, L - B) times at the end, listed in `kept`: added outside
  Shuffify since it last saw the playlist;
- u removed outside Shuffify since base (B > L) is still restored V times.
  The version is what the user asked for, and a snapshot is a promise that
  the playlist can be had back as it was; a plain three-way merge (V + L - B)
  would instead silently lose a track the user removed in Spotify's app or
  Spotify withdrew. Removing it again after the restore is one click in
  Spotify; getting it back without the snapshot is impossible. The wiring can
  show those with outside_changes() before the user confirms.

Local files and unavailable entries (URI None) cannot be added by URI, so they
follow what the writer can do:

- a local file can be removed (which removes every copy) but not added: the
  target holds all its live copies or none. All when the version or an
  outside addition wants it (version copies not live are `skipped`); none when
  neither does (Shuffify's later changes brought it in).
- an unavailable entry has no URI, so it can neither be added nor removed:
  the target holds exactly the live ones, at the version's unavailable
  positions first, the rest at the end in `kept`; version ones beyond the live
  count are `skipped`.

Either way nothing the writer cannot do is asked of it: the target differs
from live only by addable URIs and by local files removed entirely.
"""

from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

LOCAL_PREFIX = "spotify:local:"
LOCAL_REASON = (
    "a local file cannot be added back by URI (only Spotify's app can add it) "
    "and this copy is not in the playlist now"
)
UNAVAILABLE_REASON = "unavailable on Spotify: the item has no URI to add back"

Uri = str | None


class Restore(NamedTuple):
    """The order to write: the version's part, then `kept`; what could not be restored."""

    target: list[Uri]
    kept: list[Uri]
    skipped: list[dict]  # {"position": index in the version, "uri", "reason"}


class OutsideChanges(NamedTuple):
    added: list[Uri]  # live, beyond their count in base, in live order
    removed: list[Uri]  # in base, beyond their count live, in base order


def addable(uri: Uri) -> bool:
    """Whether Spotify can add the item by its URI (not a local file, not unavailable)."""
    return uri is not None and not uri.startswith(LOCAL_PREFIX)


def restore(version: Sequence[Uri], base: Sequence[Uri], live: Sequence[Uri]) -> Restore:
    """Merge version, base and live as the module docstring says."""
    live_counts, base_counts = Counter(live), Counter(base)
    restorable = _restorable_counts(version, live_counts)
    restored, skipped = _restored_part(version, restorable)
    wanted = _final_counts(Counter(restored), base_counts, live_counts)
    kept = last_copies(live, wanted - Counter(restored))
    return Restore(restored + kept, kept, skipped)


def _restorable_counts(version: Sequence[Uri], live: Counter) -> Counter:
    """How many of each version item can be in the target: all, or as many as are live."""
    counts = Counter(version)
    return Counter({u: n if addable(u) else min(n, live[u]) for u, n in counts.items()})


def _restored_part(version: Sequence[Uri], restorable: Counter) -> tuple[list, list[dict]]:
    """The version in order without what cannot be restored, and what that is."""
    remaining = Counter(restorable)
    restored, skipped = [], []
    for position, uri in enumerate(version):
        if remaining[uri] > 0:
            remaining[uri] -= 1
            restored.append(uri)
        else:
            skipped.append({"position": position, "uri": uri, "reason": _reason(uri)})
    return restored, skipped


def _reason(uri: Uri) -> str:
    return UNAVAILABLE_REASON if uri is None else LOCAL_REASON


def _final_counts(restored: Counter, base: Counter, live: Counter) -> Counter:
    """How many of each URI the target holds in all (version part and kept)."""
    final = Counter()
    for uri in restored.keys() | live.keys():
        added_outside = max(0, live[uri] - base[uri])
        if addable(uri):
            final[uri] = restored[uri] + added_outside
        elif uri is None:
            final[uri] = live[uri]
        else:
            final[uri] = live[uri] if restored[uri] or added_outside else 0
    return final


def last_copies(items: Sequence[Uri], counts: Counter) -> list[Uri]:
    """The last counts[u] copies of each u in items, in items' order.

    The last copies, because additions are appended: they are the newest.
    """
    wanted = Counter({u: n for u, n in counts.items() if n > 0})
    taken = []
    for uri in reversed(items):
        if wanted[uri] > 0:
            wanted[uri] -= 1
            taken.append(uri)
    taken.reverse()
    return taken


def surplus(items: Sequence[Uri], minus: Counter) -> list[Uri]:
    """The items beyond their count in `minus`, in items' order (multiset difference)."""
    return last_copies(items, Counter(items) - minus)


def outside_changes(base: Sequence[Uri], live: Sequence[Uri]) -> OutsideChanges:
    """What differs between the version Shuffify last saw and the live playlist."""
    return OutsideChanges(surplus(live, Counter(base)), surplus(base, Counter(live)))
