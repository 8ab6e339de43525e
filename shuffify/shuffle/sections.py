"""Near-equal contiguous sections, shared by the balanced and stratified algorithms.

Both shuffle only within a section so that a track cannot travel far from where the
playlist's author put it; they differ only in how they put the sections back together.
"""

import random


def shuffled_sections(tracks: list[dict], section_count: int, rng: random.Random) -> list[list]:
    """Split tracks into at most section_count contiguous sections, each shuffled."""
    sections = contiguous_sections(tracks, min(section_count, len(tracks)))
    for section in sections:
        rng.shuffle(section)
    return sections


def contiguous_sections(items: list, count: int) -> list[list]:
    """Split items into count contiguous runs; the first len(items) % count get one extra."""
    if count == 0:
        return []
    size, extra = divmod(len(items), count)
    sections, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        sections.append(items[start:end])
        start = end
    return sections
