"""Percentage shuffle: shuffle only a share of the playlist, at its front or its back.

For a long playlist whose owner wants some freshness without losing the order they
curated: the untouched share keeps its exact positions.
"""

import math
import random

from shuffify.shuffle.definitions import Algorithm, Parameter


def shuffle_share(
    tracks: list[dict], rng: random.Random, shuffle_percentage: float, shuffle_location: str
) -> list[dict]:
    shuffled_count = math.floor(len(tracks) * shuffle_percentage / 100)
    at_front = shuffle_location == "front"
    split = shuffled_count if at_front else len(tracks) - shuffled_count
    head, tail = tracks[:split], tracks[split:]
    rng.shuffle(head if at_front else tail)
    return head + tail


PERCENTAGE = Algorithm(
    name="percentage",
    title="Percentage",
    description="Shuffle only a share of the playlist, at its front or its back.",
    parameters=(
        Parameter(
            name="shuffle_percentage",
            type="number",
            default=50,
            min=0,
            max=100,
            description="Share of the tracks to shuffle, in percent (rounded down to a track).",
        ),
        Parameter(
            name="shuffle_location",
            type="string",
            default="front",
            choices=("front", "back"),
            description="Whether the shuffled share is at the front or the back.",
        ),
    ),
    function=shuffle_share,
)
