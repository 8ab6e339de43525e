"""Remove duplicates: find them, show which copy stays, then remove the others as a change.

People collect the same song twice: the same URI added again, or another
release of the same recording (a single and its album, a remaster). A dry run
answers the groups, each with the copy that stays, so nothing is removed
that the owner did not see; applying it is an ordinary change (claim, live
order, history step, fewest writes, undo).

What counts as the same (`same_song`): the same URI always; otherwise the
same kind (tracks with tracks, local files with local files; episodes only
by URI), the same first artist and name compared case- and
accent-insensitively, durations within 2 s, and a version suffix
(" - Remastered 2011", " (Live)") ignored only when both names carry one:
"Song (Live)" is not "Song", a live recording is another recording.

Spotify's DELETE removes every copy of a URI and has no positions, so
removing one copy of an exact duplicate is: remove the URI, add the kept copy
back, move it to where it was (playlists.writer's sync). The kept copy then
gets a new "Date Added" whatever keep_added_dates says: the API offers no way
to keep it. Local files cannot be added back, so a local file whose copies
would be split between kept and removed is left alone and listed as skipped.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from shuffify.errors import Refused
from shuffify.models import User
from shuffify.playlists import changes, claims
from shuffify.shuffle.sort import folded
from shuffify.spotify import Spotify

MATCHES = ("exact", "same_song")
KEEPS = ("first", "last")
DURATION_SLACK_MS = 2000
SUFFIX = re.compile(r"\s+(?:-\s+[^-]+|\([^()]*\)|\[[^\[\]]*\])\s*$")


@dataclass(frozen=True)
class Options:
    match: str = "exact"
    keep: str = "first"
    dry_run: bool = True


def checked_options(body: dict) -> Options:
    """The options of a request body; a Refused naming the first that is wrong."""
    match, keep = body.get("match", "exact"), body.get("keep", "first")
    if match not in MATCHES:
        raise Refused(f"match must be one of {', '.join(MATCHES)}")
    if keep not in KEEPS:
        raise Refused(f"keep must be one of {', '.join(KEEPS)}")
    dry_run = body.get("dry_run", True)
    if not isinstance(dry_run, bool):
        raise Refused("dry_run must be true or false")
    return Options(match, keep, dry_run)


@dataclass(frozen=True)
class _Song:
    """What same_song compares, of one track."""

    kind: str
    artist: str | None
    name: str | None
    base: str | None
    suffixed: bool
    duration_ms: int | None


def _song(track: dict) -> _Song:
    uri = track["uri"] or ""
    kind = "local" if uri.startswith("spotify:local:") else uri.split(":")[1]
    name = folded(track.get("name"))
    base = SUFFIX.sub("", name) if name else None
    artists = track.get("artists") or []
    artist = folded(artists[0]) if artists else None
    return _Song(kind, artist, name, base, base != name, track.get("duration_ms"))


def same_song(a: dict, b: dict) -> bool:
    """Whether two tracks are the same recording by the rule in the module docstring."""
    if a["uri"] == b["uri"]:
        return True
    first, second = _song(a), _song(b)
    if first.kind != second.kind or first.kind == "episode" or first.name is None:
        return False
    if first.artist is None or first.artist != second.artist:
        return False
    names_match = first.name == second.name or (
        first.suffixed and second.suffixed and first.base == second.base
    )
    return names_match and _close(first.duration_ms, second.duration_ms)


def _close(a: int | None, b: int | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= DURATION_SLACK_MS


def _bucket(track: dict, match: str) -> tuple:
    """Tracks that may match share a bucket; same_song then compares within it."""
    if match == "exact":
        return ("uri", track["uri"])
    song = _song(track)
    if song.kind == "episode" or song.name is None:
        return ("uri", track["uri"])
    return (song.kind, song.artist, song.base)


def find_groups(tracks: list[dict], match: str, keep: str) -> list[tuple[int, list[int]]]:
    """(kept position, removed positions) of each group of duplicates, by kept position."""
    order: Iterable[int] = range(len(tracks))
    if keep == "last":
        order = reversed(range(len(tracks)))
    buckets: dict[tuple, list[tuple[int, list[int]]]] = defaultdict(list)
    for position in order:
        track = tracks[position]
        if track["uri"] is None:
            continue  # an unavailable entry is no duplicate of anything
        _place(buckets[_bucket(track, match)], tracks, position, match)
    groups = [g for bucket in buckets.values() for g in bucket if g[1]]
    return sorted((kept, sorted(removed)) for kept, removed in groups)


def _place(bucket: list, tracks: list[dict], position: int, match: str) -> None:
    for kept, removed in bucket:
        if match == "exact" or same_song(tracks[kept], tracks[position]):
            removed.append(position)
            return
    bucket.append((position, []))


def _splits_local_file(tracks: list[dict], kept: int, removed: list[int]) -> bool:
    """A local file kept here and removed there: DELETE would take both, with no way back."""
    uri = tracks[kept]["uri"]
    return uri.startswith("spotify:local:") and any(tracks[p]["uri"] == uri for p in removed)


def _entry(tracks: list[dict], position: int) -> dict:
    track = tracks[position]
    return {"uri": track["uri"], "position": position, "name": track.get("name")}


def plan(tracks: list[dict], options: Options) -> dict:
    """The dry run's answer: the groups, what would be removed, what cannot be."""
    groups, skipped = [], []
    for kept, removed in find_groups(tracks, options.match, options.keep):
        group = {"keep": _entry(tracks, kept), "remove": [_entry(tracks, p) for p in removed]}
        (skipped if _splits_local_file(tracks, kept, removed) else groups).append(group)
    remove_count = sum(len(group["remove"]) for group in groups)
    return {"groups": groups, "remove_count": remove_count, "skipped": skipped}


def dedupe(spotify: Spotify, user: User, playlist_id: str, options: Options) -> dict:
    """The dry run, or the change removing every group's `remove` items."""
    if options.dry_run:
        live = changes.load_editable(spotify, user, playlist_id)
        return plan(live.tracks, options)
    with claims.held(playlist_id, "remove duplicates"):
        changes.complete_pending(spotify, user, playlist_id)
        live = changes.load_editable(spotify, user, playlist_id)
        found = plan(live.tracks, options)
        gone = {entry["position"] for group in found["groups"] for entry in group["remove"]}
        target = [uri for position, uri in enumerate(live.uris) if position not in gone]
        label = f"remove duplicates ({options.match})"
        result = changes.apply_change(spotify, user, live, target, "dedupe", label)
        return {**result, "removed": len(gone), "skipped": found["skipped"]}
