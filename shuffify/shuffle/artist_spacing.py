"""Artist spacing: shuffle so that the same artist does not come back too soon.

The rule: two tracks by one artist (their first listed artist; tracks without one count
as a single unknown artist) at positions i < j need j - i > min_spacing. Put another way,
every window of min_spacing + 1 consecutive tracks has no artist twice.

When perfect spacing exists. Let n be the track count, m the most tracks any one artist
has and c the number of artists with m tracks. The rule can be met iff

    (m - 1) * (min_spacing + 1) + c <= n

This is the "task scheduling with cooldown" bound. It is necessary: the c busiest
artists start at c different positions, so the last of them to start begins at position
c - 1 or later (counting from 0). Its m tracks then reach at least position
c - 1 + (m - 1) * (min_spacing + 1), which must be below n. It is sufficient: the greedy
below achieves it, which is the classic result for that problem.

How it is met. A greedy fills the positions in order. At each step it places the artist
with the most tracks remaining among those whose cooldown has ended (ties broken at
random); it never leaves a slot empty. For the cooldown problem this greedy needs the
fewest idle slots, so it meets the rule whenever the bound allows. When every remaining
artist is still cooling down, the rule cannot be kept at that slot. The greedy then
places the artist released soonest, which breaks the rule by the least distance.

When it cannot be met, the greedy keeps violations as few as possible. A violation is
one window of min_spacing + 1 consecutive tracks that repeats an artist (the whole list
when it is shorter than a window). This optimality was not proved. It was checked
exhaustively against the best order for every artist-count pattern up to 12 tracks, and
the tests check it against brute force. Counted per track rather than per window, this
greedy is not always optimal: for A A B B and min_spacing 2 it gives A B A B, which puts
2 tracks too close, where A B B A puts 1.

Within each artist the tracks are shuffled. The cost is O(n log a) for a artists.
"""

import heapq
import random
from collections import deque

from shuffify.shuffle.definitions import Algorithm, Parameter


def space_artists(tracks: list[dict], rng: random.Random, min_spacing: int) -> list[dict]:
    artists = list(group_by_artist(tracks).values())
    for artist_tracks in artists:
        rng.shuffle(artist_tracks)
    ready = [_ready_entry(artists, index, rng) for index in range(len(artists))]
    heapq.heapify(ready)
    cooling: deque[tuple[int, int]] = deque()  # (free again at position, artist), by release
    spaced: list[dict] = []
    for position in range(len(tracks)):
        while cooling and cooling[0][0] <= position:  # release the artists cooled down
            heapq.heappush(ready, _ready_entry(artists, cooling.popleft()[1], rng))
        artist = heapq.heappop(ready)[2] if ready else cooling.popleft()[1]
        spaced.append(artists[artist].pop())
        if artists[artist]:
            cooling.append((position + 1 + min_spacing, artist))
    return spaced


def group_by_artist(tracks: list[dict]) -> dict[str | None, list[dict]]:
    """Tracks by first artist; None collects the tracks without any artist."""
    by_artist: dict[str | None, list[dict]] = {}
    for track in tracks:
        artist_names = track.get("artists") or [None]
        by_artist.setdefault(artist_names[0], []).append(track)
    return by_artist


def _ready_entry(artists: list[list[dict]], artist: int, rng: random.Random) -> tuple:
    """Heap entry ordering the artist with the most tracks left first, ties at random."""
    return (-len(artists[artist]), rng.random(), artist)


ARTIST_SPACING = Algorithm(
    name="artist_spacing",
    title="Artist spacing",
    description="Shuffle so that the same artist does not come back within a few tracks.",
    parameters=(
        Parameter(
            name="min_spacing",
            type="integer",
            default=1,
            min=1,
            max=10,
            description="How many other tracks must separate two tracks by one artist.",
        ),
    ),
    function=space_artists,
)
