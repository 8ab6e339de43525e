"""Basic shuffle: keep the first tracks in place and shuffle everything after them.

Playlists often open with a deliberate intro; keep_first lets the owner protect it.
"""

import random

from shuffify.shuffle.definitions import KEEP_FIRST, Algorithm


def shuffle_after_prefix(tracks: list[dict], rng: random.Random, keep_first: int) -> list[dict]:
    pinned, rest = tracks[:keep_first], tracks[keep_first:]
    rng.shuffle(rest)
    return pinned + rest


BASIC = Algorithm(
    name="basic",
    title="Basic",
    description="Shuffle every track, optionally keeping the first few where they are.",
    parameters=(KEEP_FIRST,),
    function=shuffle_after_prefix,
)
