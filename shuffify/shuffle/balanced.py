"""Balanced shuffle: draw from every part of the playlist in turn.

A plain shuffle can bunch the playlist's early tracks together by chance. Splitting the
playlist into sections, shuffling each and dealing from them round-robin guarantees that
every stretch of the result mixes tracks from every part of the original.
"""

import random
from itertools import zip_longest

from shuffify.shuffle.definitions import KEEP_FIRST, Algorithm, Parameter
from shuffify.shuffle.sections import shuffled_sections

_NO_TRACK = object()


def deal_sections(
    tracks: list[dict], rng: random.Random, keep_first: int, section_count: int
) -> list[dict]:
    pinned = tracks[:keep_first]
    sections = shuffled_sections(tracks[keep_first:], section_count, rng)
    return pinned + deal_round_robin(sections)


def deal_round_robin(sections: list[list]) -> list:
    """Take the head of section 1, of section 2, ... in turn until every section is empty."""
    rounds = zip_longest(*sections, fillvalue=_NO_TRACK)
    return [track for dealt in rounds for track in dealt if track is not _NO_TRACK]


BALANCED = Algorithm(
    name="balanced",
    title="Balanced",
    description="Split the playlist into sections, shuffle each and deal from them in turn.",
    parameters=(
        KEEP_FIRST,
        Parameter(
            name="section_count",
            type="integer",
            default=4,
            min=1,
            max=100,
            description="How many sections to deal from.",
        ),
    ),
    function=deal_sections,
)
