"""Running a rule against Spotify: read its sources, evaluate, write through the change path.

Reads come first as metadata (one call per playlist, one for Liked Songs),
which gives each source's fingerprint (its snapshot_id): a scheduled run
whose fingerprints all equal those of the last successful run writes
nothing and costs only those calls. A source Spotify withholds (someone
else's playlist: Development Mode shares only its details; a deleted one)
is reported with its reason and the others still count. Every write is a
change (shuffify.playlists.changes): claimed, snapshotted, one undo step,
fewest calls, completed after a failure. An inbox rule writes nothing: it
stages rows in rule_inbox, and accepting them is the change.
"""

from dataclasses import dataclass, field

from shuffify.errors import Forbidden as Refusal403
from shuffify.models import Rule, RuleInboxItem, User, utcnow
from shuffify.playlists import changes, claims, pins
from shuffify.playlists.writer import planned_calls
from shuffify.rules import evaluate
from shuffify.spotify import Forbidden, NotFound, Spotify
from shuffify.spotify import playlists as spotify_playlists
from shuffify.spotify import search as spotify_search
from shuffify.spotify.shapes import METADATA_ONLY_REASON, track

LIKED_SCOPE_MESSAGE = "sign in again to let Shuffify read your Liked Songs"
# /login asks for every scope Shuffify uses, user-library-read among them.
SIGNIN_AGAIN_URL = "/login?next=/rules"
GONE = "this playlist is gone from Spotify"
WRITE_BATCH = 100


@dataclass
class Probe:
    """A source after its metadata call: how to read it, or why it cannot be read."""

    step: dict
    meta: dict | None = None
    reason: str | None = None
    fingerprint: str | None = None
    items: list | None = None


@dataclass
class Outcome:
    status: str
    added: int = 0
    removed: int = 0
    total: int | None = None
    notes: list[str] = field(default_factory=list)


def probe(spotify: Spotify, user: User, step: dict, target_meta: dict) -> Probe:
    kind = step.get("type")
    if kind == "target":
        return Probe(step, target_meta, fingerprint=target_meta.get("snapshot_id"))
    if kind == "liked":
        return _probe_liked(spotify, step)
    if kind == "search":
        return Probe(step)
    return probe_playlist(spotify, user, step, step["playlist_id"])


def probe_playlist(spotify: Spotify, user: User, step: dict, playlist_id: str) -> Probe:
    try:
        meta = spotify_playlists.metadata(spotify, playlist_id)
    except NotFound:
        return Probe(step, reason=GONE)
    if not spotify_playlists.is_editable(meta, user.spotify_id):
        return Probe(step, reason=METADATA_ONLY_REASON)
    return Probe(step, meta, fingerprint=meta.get("snapshot_id"))


def _probe_liked(spotify: Spotify, step: dict) -> Probe:
    try:
        first = spotify.get("/me/tracks", {"limit": 1})
    except Forbidden:
        # signed in before Shuffify asked to read Liked Songs: signing in again grants it
        raise Refusal403(LIKED_SCOPE_MESSAGE, signin_url=SIGNIN_AGAIN_URL) from None
    newest = (first.get("items") or [{}])[0].get("added_at")
    return Probe(step, first, fingerprint=f"{first.get('total')}:{newest}")


def read(spotify: Spotify, probed: Probe, target: list[dict]) -> list[dict] | None:
    """The source's items (None when withheld); probed.reason says why."""
    kind = probed.step.get("type")
    if probed.reason is not None:
        return None
    if kind == "target":
        return target
    if kind == "liked":
        return [track(e) for e in spotify.pages("/me/tracks", {"limit": 50})]
    if kind == "search":
        return _searched(spotify, probed.step["query"], probed.step.get("limit", 10))
    try:
        return spotify_playlists.entries(spotify, probed.meta["id"], probed.meta)
    except Forbidden:
        probed.reason = METADATA_ONLY_REASON
    except NotFound:
        probed.reason = GONE
    return None


def _searched(spotify: Spotify, query: str, limit: int) -> list[dict]:
    found: list[dict] = []
    while len(found) < limit:
        size = min(spotify_search.MAX_LIMIT, limit - len(found))
        page = spotify_search.search(spotify, query, "track", size, len(found))
        found += page["items"]
        if not page["items"] or len(found) >= page["total"]:
            break
    return found[:limit]


@dataclass
class Prepared:
    live: changes.LivePlaylist
    meta: dict
    probes: list[Probe]
    excluded: dict[str, Probe]
    fingerprint: dict


def prepare(spotify: Spotify, user: User, target_id: str, definition: dict) -> Prepared:
    """Metadata of the target and of every source: the fingerprint, before any items."""
    meta = changes.check_editable(spotify, user, target_id)
    probes = [probe(spotify, user, s, meta) for s in definition["sources"]]
    excluded = {
        f["playlist_id"]: probe_playlist(spotify, user, f, f["playlist_id"])
        for f in definition["filters"]
        if f["type"] == "exclude_playlist"
    }
    fingerprint = {
        "target": meta.get("snapshot_id"),
        "sources": [p.fingerprint for p in probes],
        "excluded": {k: p.fingerprint for k, p in excluded.items()},
    }
    live = changes.LivePlaylist(target_id, meta.get("snapshot_id"), [])
    return Prepared(live, meta, probes, excluded, fingerprint)


def unchanged(fingerprint: dict, last: dict | None) -> bool:
    """Every source known by snapshot and the same as at the last successful run."""
    known = all(f is not None for f in fingerprint["sources"]) and fingerprint["target"]
    return bool(known) and fingerprint == last


def load(spotify: Spotify, prepared: Prepared) -> None:
    """The target's items, then every source's (withheld ones get their reason)."""
    live = prepared.live
    try:
        live.tracks = spotify_playlists.entries(spotify, live.playlist_id, prepared.meta)
    except Forbidden:
        raise Refusal403("Spotify does not share this playlist's tracks with Shuffify") from None
    for probed in [*prepared.probes, *prepared.excluded.values()]:
        probed.items = read(spotify, probed, live.tracks)


def inputs_of(user: User, rule_id: int | None, prepared: Prepared, seed=None) -> evaluate.Inputs:
    """What evaluate needs beside the definition: the items read, the inbox's known URIs,
    the target's pins in force."""
    known = set()
    if rule_id is not None:
        query = RuleInboxItem.select(RuleInboxItem.uri).where(RuleInboxItem.rule == rule_id)
        known = {row.uri for row in query}
    return evaluate.Inputs(
        sources=[p.items for p in prepared.probes],
        target=prepared.live.tracks,
        now=utcnow(),
        excluded={k: {t["uri"] for t in p.items or []} for k, p in prepared.excluded.items()},
        known=known,
        seed=seed,
        pins=pins.active(user, prepared.live.playlist_id),
    )


def source_report(prepared: Prepared) -> list[dict]:
    report = []
    for index, probed in enumerate(prepared.probes):
        entry = {"index": index, "items": len(probed.items or [])}
        if probed.reason:
            entry["reason"] = probed.reason
        report.append(entry)
    return report


def preview(spotify: Spotify, user: User, target_id: str, definition: dict, rule_id=None) -> dict:
    """What a run would do now, written nowhere, and the write calls it would cost."""
    prepared = prepare(spotify, user, target_id, definition)
    load(spotify, prepared)
    plan = evaluate.evaluate(definition, inputs_of(user, rule_id, prepared))
    writes = planned_calls(prepared.live.uris, plan.track_uris)["replace"]
    archive_writes = -(-len(plan.archived) // WRITE_BATCH)
    return {
        "track_uris": plan.track_uris,
        "added": plan.added,
        "removed": plan.removed,
        "archived": plan.archived,
        "staged": [_staged(t) for t in plan.staged],
        "sources": source_report(prepared),
        "calls_estimate": writes + archive_writes,
    }


def _staged(item: dict) -> dict:
    return {
        "uri": item["uri"],
        "name": item.get("name"),
        "artists": item.get("artists") or [],
        "source": item.get("source"),
    }


def execute(spotify: Spotify, rule: Rule, trigger: str) -> Outcome:
    """Run the rule once as the target's only writer."""
    with claims.held(rule.target_playlist_id, f"rule {rule.id}"):
        changes.complete_pending(spotify, rule.user, rule.target_playlist_id)
        return _execute(spotify, rule, trigger)


def _execute(spotify: Spotify, rule: Rule, trigger: str) -> Outcome:
    definition = rule.definition
    prepared = prepare(spotify, rule.user, rule.target_playlist_id, definition)
    if trigger == "schedule" and unchanged(prepared.fingerprint, rule.last_fingerprint):
        return Outcome("skipped", notes=["nothing changed"])
    load(spotify, prepared)
    plan = evaluate.evaluate(definition, inputs_of(rule.user, rule.id, prepared))
    if plan.archived:
        _archive(spotify, rule, definition["sink"]["archive_playlist_id"], plan.archived)
    answer = changes.apply_change(
        spotify, rule.user, prepared.live, plan.track_uris, "rule", f"rule: {rule.name}"
    )
    stage(rule, plan.staged)
    fingerprint = {**prepared.fingerprint, "target": answer["snapshot_id"]}
    Rule.update(last_fingerprint=fingerprint).where(Rule.id == rule.id).execute()
    notes = [  # for people: the first source is source 1
        f"source {r['index'] + 1}: {r['reason']}" for r in source_report(prepared) if "reason" in r
    ]
    if plan.staged:
        notes.append(f"{len(plan.staged)} new tracks staged in the inbox")
    return Outcome("success", len(plan.added), len(plan.removed), len(plan.track_uris), notes)


def _archive(spotify: Spotify, rule: Rule, archive_id: str, uris: list) -> None:
    """Append what max_size removes to the archive playlist first, as a change of it."""
    addable = [uri for uri in uris if changes.addable(uri)]
    with claims.held(archive_id, f"rule {rule.id} archive"):
        changes.complete_pending(spotify, rule.user, archive_id)
        live = changes.load_editable(spotify, rule.user, archive_id)
        target = live.uris + addable
        changes.apply_change(spotify, rule.user, live, target, "rule", f"archive of {rule.name}")


def stage(rule: Rule, items: list[dict]) -> None:
    for item in items:
        RuleInboxItem.insert(
            rule=rule, status="staged", **_staged(item)
        ).on_conflict_ignore().execute()


def inbox(rule: Rule) -> dict:
    rows = RuleInboxItem.select().where(
        (RuleInboxItem.rule == rule) & (RuleInboxItem.status == "staged")
    )
    return {
        "items": [
            _staged(row.__data__ | {"artists": row.artists})
            for row in rows.order_by(RuleInboxItem.id)
        ]
    }


def accept(spotify: Spotify, rule: Rule, uris: list[str]) -> dict:
    """Append the staged items named to the target (a change), and mark them accepted."""
    wanted = _staged_uris(rule, uris)
    with claims.held(rule.target_playlist_id, f"rule {rule.id} inbox"):
        changes.complete_pending(spotify, rule.user, rule.target_playlist_id)
        live = changes.load_editable(spotify, rule.user, rule.target_playlist_id)
        held = set(live.uris)
        target = live.uris + [u for u in wanted if u not in held and changes.addable(u)]
        answer = changes.apply_change(
            spotify, rule.user, live, target, "rule", f"inbox of {rule.name}"
        )
    _mark(rule, wanted, "accepted")
    return {"accepted": wanted, "track_uris": answer["track_uris"]}


def dismiss(rule: Rule, uris: list[str]) -> dict:
    wanted = _staged_uris(rule, uris)
    _mark(rule, wanted, "dismissed")
    return {"dismissed": wanted}


def _staged_uris(rule: Rule, uris: list[str]) -> list[str]:
    staged = {
        row.uri
        for row in RuleInboxItem.select(RuleInboxItem.uri).where(
            (RuleInboxItem.rule == rule) & (RuleInboxItem.status == "staged")
        )
    }
    return [uri for uri in dict.fromkeys(uris) if uri in staged]


def _mark(rule: Rule, uris: list[str], status: str) -> None:
    RuleInboxItem.update(status=status).where(
        (RuleInboxItem.rule == rule) & RuleInboxItem.uri.in_(uris)
    ).execute()
