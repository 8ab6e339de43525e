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
from dataclasses import dataclass
from typing import NamedTuple

from shuffify.errors import Refused
from shuffify.models import User
from shuffify.playlists import changes, claims
from shuffify.shuffle.sort import Folded, folded
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


class _Song(NamedTuple):
    """What same_song compares, of one track."""

    kind: str
    artist: str | None
    name: str | None
    base: str | None
    suffixed: bool
    duration_ms: int | None


def _kind(uri: str) -> str:
    if uri.startswith("spotify:track:"):
        return "track"
    return "local" if uri.startswith("spotify:local:") else uri.split(":")[1]


def _name(name: object) -> tuple[str | None, str | None]:
    """A name folded, and that without its version suffix."""
    folded_name = folded(name)
    if not folded_name or not ("-" in folded_name or ")" in folded_name or "]" in folded_name):
        return folded_name, folded_name  # no suffix can match: skip the regular expression
    return folded_name, SUFFIX.sub("", folded_name)


def _song(track: dict) -> _Song:
    uri = track["uri"] or ""
    name, base = _name(track.get("name"))
    artists = track.get("artists") or []
    artist = folded(artists[0]) if artists else None
    return _Song(_kind(uri), artist, name, base, base != name, track.get("duration_ms"))


def same_song(a: dict, b: dict) -> bool:
    """Whether two tracks are the same recording by the rule in the module docstring."""
    return a["uri"] == b["uri"] or _same(_song(a), _song(b))


def _same(first: _Song, second: _Song) -> bool:
    """same_song for two tracks of different URIs."""
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


def find_groups(tracks: list[dict], match: str, keep: str) -> list[tuple[int, list[int]]]:
    """(kept position, removed positions) of each group of duplicates, by kept position."""
    groups: dict[int, list[int]] = {}
    for position, kept in sorted(duplicates(tracks, match, keep).items()):
        groups.setdefault(kept, []).append(position)
    return sorted(groups.items())


def duplicates(tracks: list[dict], match: str, keep: str) -> dict[int, int]:
    """The position of each duplicate -> the position of the copy that stays.

    Going through the tracks (from the end for keep "last"), each joins the first group
    whose kept track is the same as it, or starts a group. Another copy of a URI joins
    the group of its first copy.

    Written for 100,000 tracks, where each step per track counts: a URI's song is worked
    out once, at its first copy, and compared only with the kept tracks of its bucket
    (one kind, first artist and name without suffix), the only ones same_song can match.
    No object is kept per track but a bucket's key: on a large heap the garbage
    collector's passes over such objects cost more than all the comparisons.
    """
    order = range(len(tracks)) if keep == "first" else range(len(tracks) - 1, -1, -1)
    by_song = match == "same_song"
    first: dict[str, int] = {}  # URI -> its first copy
    buckets: dict[tuple, int | list[int]] = {}  # same_song's kept tracks: one, or a list
    artists = Folded()  # first artists, each folded once
    kept_of: dict[int, int] = {}
    for position in order:
        track = tracks[position]
        uri = track["uri"]
        if uri is None:
            continue  # an unavailable entry is no duplicate of anything
        first_copy = first.setdefault(uri, position)
        if first_copy != position:
            kept_of[position] = kept_of.get(first_copy, first_copy)
        elif by_song and (key := _bucket(track, artists)) is not None:
            kept = buckets.setdefault(key, position)
            if kept != position and (kept := _kept_in(tracks, buckets, key, position)) is not None:
                kept_of[position] = kept
    return kept_of


def _bucket(track: dict, artists: Folded) -> tuple | None:
    """Tracks that may be the same song share a bucket; None: the same only by URI."""
    names = track.get("artists")
    artist = artists[names[0]] if names else None
    name, base = _name(track.get("name"))
    kind = _kind(track["uri"])
    if artist is None or name is None or kind == "episode":
        return None
    return kind, artist, base


def _kept_in(tracks: list[dict], buckets: dict, key: tuple, position: int) -> int | None:
    """The first kept track of the bucket that is the same song as tracks[position]; or
    None, and that track is kept then, in the bucket."""
    kept = buckets[key]
    if not isinstance(kept, list):
        kept = buckets[key] = [kept]
    song = _song(tracks[position])
    for candidate in kept:
        if _same(_song(tracks[candidate]), song):
            return candidate
    kept.append(position)
    return None


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
