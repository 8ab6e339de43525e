"""Album sequence: shuffle the order of albums, but play each album as one block.

For listeners who like albums heard whole (and, by default, in their running order) but
want a different album to come next each time. Albums are told apart by name; tracks
without an album form one block of their own.
"""

import random

from shuffify.shuffle.definitions import Algorithm, Parameter


def sequence_albums(
    tracks: list[dict], rng: random.Random, shuffle_within_albums: bool
) -> list[dict]:
    albums = list(group_by_album(tracks).values())
    rng.shuffle(albums)
    if shuffle_within_albums:
        for album in albums:
            rng.shuffle(album)
    return [track for album in albums for track in album]


def group_by_album(tracks: list[dict]) -> dict[str | None, list[dict]]:
    """Tracks by album name in playlist order; None collects the tracks without an album."""
    albums: dict[str | None, list[dict]] = {}
    for track in tracks:
        albums.setdefault(track.get("album"), []).append(track)
    return albums


ALBUM_SEQUENCE = Algorithm(
    name="album_sequence",
    title="Album sequence",
    description="Shuffle the order of albums and play each album as one block.",
    parameters=(
        Parameter(
            name="shuffle_within_albums",
            type="boolean",
            default=False,
            description="Also shuffle the tracks inside each album.",
        ),
    ),
    function=sequence_albums,
)
