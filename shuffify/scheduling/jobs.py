"""What a scheduled run does: raid new tracks in from sources, shuffle, or both.

A raid appends the items of the sources that the target does not hold yet,
each once; a source that is gone or that Spotify shares only as metadata is
named in the run's message, and the others still count. A shuffle is the
dashboard's: live order, no track lost. raid_and_shuffle shuffles the raided
list and writes once. Each run that changes the playlist is one undo step,
recorded before the write and completed after a failure like any other. A
backup ("snapshot") only reads: it keeps the playlist as a snapshot when it
changed since the newest one, for one metadata call when it did not.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from shuffify.errors import Refused
from shuffify.models import JobType, Rule, Schedule, User, utcnow
from shuffify.playlists import changes, claims, sources, versions
from shuffify.rules import queue as rule_queue
from shuffify.spotify import Forbidden, NotFound, Spotify
from shuffify.spotify import playlists as spotify_playlists

RULE_LEASE = timedelta(minutes=5)  # a rule run's own row; the schedule has its lease


@dataclass
class Outcome:
    tracks_added: int = 0
    tracks_total: int = 0
    notes: list[str] = field(default_factory=list)


def execute(spotify: Spotify, schedule: Schedule) -> Outcome:
    """Run the schedule's job once, as its user, as the target's only writer."""
    if schedule.job_type == JobType.RULE:
        return _rule(spotify, schedule)  # the rule holds its own claim
    if schedule.job_type == JobType.SNAPSHOT:
        return _back_up(spotify, schedule)  # reads only: no claim, no history step
    purpose = f"schedule {schedule.id}"
    with claims.held(schedule.target_playlist_id, purpose):
        changes.complete_pending(spotify, schedule.user, schedule.target_playlist_id)
        return _run(spotify, schedule)


def _run(spotify: Spotify, schedule: Schedule) -> Outcome:
    user, target = schedule.user, schedule.target_playlist_id
    live = changes.load_editable(spotify, user, target)
    outcome = Outcome()
    tracks = list(live.tracks)
    if schedule.job_type in (JobType.RAID, JobType.RAID_AND_SHUFFLE):
        new = raided(spotify, user, schedule, live.uris, outcome)
        tracks += new
        outcome.tracks_added = len(new)
    if schedule.job_type in (JobType.SHUFFLE, JobType.RAID_AND_SHUFFLE) and tracks:
        params = changes.checked_params(schedule.algorithm_name, schedule.algorithm_params or {})
        staged = changes.LivePlaylist(target, live.snapshot_id, tracks)
        tracks = changes.pinned_order(user, staged, schedule.algorithm_name, params)
    outcome.tracks_total = len(tracks)
    label = f"schedule: {schedule.job_type}"
    changes.apply_change(spotify, user, live, [t["uri"] for t in tracks], "schedule", label)
    return outcome


def _back_up(spotify: Spotify, schedule: Schedule) -> Outcome:
    kept, created = versions.back_up(spotify, schedule.user, schedule.target_playlist_id)
    notes = [] if created else ["unchanged since the last snapshot: nothing kept"]
    return Outcome(0, kept["item_count"], notes)


def _rule(spotify: Spotify, schedule: Schedule) -> Outcome:
    """A rule's scheduled run, recorded in its runs too (the rule holds its own claim)."""
    rule = Rule.get_or_none((Rule.id == schedule.rule_id) & (Rule.user == schedule.user))
    if rule is None:
        raise Refused("the rule this schedule runs is gone")
    now = utcnow()
    row = rule_queue.start(rule, "schedule", now, RULE_LEASE)
    done = rule_queue.perform(spotify, row, utcnow, RULE_LEASE)
    return Outcome(done.added, done.total or 0, done.notes)


def source_ids(user: User, schedule: Schedule) -> list[str]:
    """The schedule's own sources, or else the target's upstream sources."""
    own = list(schedule.source_playlist_ids or [])
    if own:
        return own
    upstream = sources.of_target(user, schedule.target_playlist_id)
    return [row.source_playlist_id for row in upstream]


def raided(spotify: Spotify, user: User, schedule: Schedule, held: list, outcome) -> list[dict]:
    """The sources' tracks the target does not hold, each once, in source order."""
    seen = set(held)
    new = []
    for source_id in source_ids(user, schedule):
        for track in _source_tracks(spotify, source_id, outcome):
            if track["uri"] not in seen and changes.addable(track["uri"]):
                seen.add(track["uri"])
                new.append(track)
    return new


def _source_tracks(spotify: Spotify, source_id: str, outcome: Outcome) -> list[dict]:
    try:
        return spotify_playlists.entries(spotify, source_id)
    except NotFound:
        outcome.notes.append(f"source {source_id} is gone from Spotify")
    except Forbidden:
        outcome.notes.append(f"source {source_id}: Spotify shares only its details, not its tracks")
    return []
