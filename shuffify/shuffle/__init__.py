"""Shuffle algorithms: each one reorders a playlist's tracks and never adds or drops one.

Each algorithm lives in its own module and describes its parameters, so the web app can
list them and check a request before anything runs (see registry). The algorithms take
and return track dicts rather than URIs, so duplicates, episodes, local files and
entries without a URI all keep their place in the result. A seed makes any shuffle
reproducible.

The original's tempo gradient is deliberately left out: it needs Spotify's audio
features, which Spotify refuses to apps registered after November 2024, so it could
never change the order.
"""

from shuffify.shuffle.registry import (
    ALGORITHMS,
    Algorithm,
    InvalidParams,
    Parameter,
    describe,
    shuffle,
    validate_params,
)

__all__ = [
    "ALGORITHMS",
    "Algorithm",
    "InvalidParams",
    "Parameter",
    "describe",
    "shuffle",
    "validate_params",
]
