"""Stratified shuffle: shuffle within sections, keep the sections in order.

The playlist's overall arc (say, calm opening, loud middle, calm end) survives, while
the order inside each stretch is new.
"""

import random

from shuffify.shuffle.definitions import KEEP_FIRST, Algorithm, Parameter
from shuffify.shuffle.sections import shuffled_sections


def shuffle_within_sections(
    tracks: list[dict], rng: random.Random, keep_first: int, section_count: int
) -> list[dict]:
    pinned = tracks[:keep_first]
    sections = shuffled_sections(tracks[keep_first:], section_count, rng)
    return pinned + [track for section in sections for track in section]


STRATIFIED = Algorithm(
    name="stratified",
    title="Stratified",
    description="Split the playlist into sections and shuffle inside each, keeping their order.",
    parameters=(
        KEEP_FIRST,
        Parameter(
            name="section_count",
            type="integer",
            default=5,
            min=1,
            max=100,
            description="How many sections to shuffle within.",
        ),
    ),
    function=shuffle_within_sections,
)
