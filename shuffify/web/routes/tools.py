"""The playlist tools' routes (issue 20): remove duplicates, and the
`keep_added_dates` option every reordering change takes.

The option is read here, once, and handed to the writer as a write option
for the length of the request (playlists.writer.write_options), so shuffle,
save, undo and redo gain it without the change path's signatures growing a
flag; the answer then says how many write calls the change used.
"""

from collections.abc import Callable

import bottle

from shuffify.accounts import user_settings
from shuffify.errors import Refused
from shuffify.playlists import dedupe
from shuffify.playlists.writer import write_options
from shuffify.web.routes.common import (
    api_route,
    checked_playlist_id,
    current_user,
    json_body,
    spotify,
)
from shuffify.web.services import Services

KEEP_ADDED_DATES = "keep_added_dates"


def install(app: bottle.Bottle, services: Services) -> None:
    def run(playlist_id: str) -> dict:
        return dedupe_playlist(services, checked_playlist_id(playlist_id))

    app.route("/api/playlists/<playlist_id>/dedupe", "POST", api_route(services, run))


def dedupe_playlist(services: Services, playlist_id: str) -> dict:
    body = json_body(("match", "keep", "dry_run", KEEP_ADDED_DATES))
    options = dedupe.checked_options(body)
    return written(
        body,
        lambda: dedupe.dedupe(spotify(services), current_user(), playlist_id, options),
    )


def written(body: dict, change: Callable[[], dict]) -> dict:
    """Run a change with the body's keep_added_dates (else the user's setting); its answer
    with the calls it used."""
    if KEEP_ADDED_DATES in body:
        keep = body[KEEP_ADDED_DATES]
    else:
        keep = user_settings.value(current_user(), KEEP_ADDED_DATES)
    if not isinstance(keep, bool):
        raise Refused(f"{KEEP_ADDED_DATES} must be true or false")
    with write_options(keep) as options:
        result = change()
    return {**result, "calls": options.calls}
