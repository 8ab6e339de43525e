"""The activity log (issue 23): every change to a playlist and every account event.

One row each, written where the thing happens: a change on the change path
(shuffify.playlists.changes, once, after its snapshot), a schedule's run
when the runner finishes or postpones it, sign-in and sign-out, a settings
change. A row says who did it ("you", a "schedule" or a "rule") and, for a
change, which automatic snapshot holds the version before it, so "restore
to before this" is one request. Rows older than KEEP are pruned on write:
the user's own old rows go with each new one (an indexed range delete).
"""

from datetime import datetime, timedelta

from shuffify.checks import storable
from shuffify.errors import Refused
from shuffify.models import ActivityEvent, User, utcnow

KEEP = timedelta(days=180)
PAGE = 50
ACTORS = ("you", "schedule", "rule")
CHANGE_KINDS = {"workshop": "save"}  # the change path's names that read differently here
RUN_KINDS = ("schedule run", "rule run")
KINDS = (
    *("shuffle", "save", "undo", "redo", "restore", "import", "dedupe", "sort", "pins"),
    *("schedule", "rule", "snapshot", "sign-in", "sign-out", "settings", *RUN_KINDS),
)
FAILED = ("failed",)


def record(
    user: User,
    kind: str,
    summary: str,
    *,
    by: str = "you",
    playlist_id: str | None = None,
    playlist_name: str | None = None,
    snapshot_id: int | None = None,
    at: datetime | None = None,
) -> ActivityEvent:
    """Write one row (and drop the user's rows older than KEEP)."""
    at = at or utcnow()
    ActivityEvent.delete().where(
        (ActivityEvent.user == user) & (ActivityEvent.at < at - KEEP)
    ).execute()
    return ActivityEvent.create(
        user=user,
        at=at,
        kind=kind,
        actor=by,
        playlist_id=playlist_id,
        playlist_name=None if playlist_name is None else storable(playlist_name[:255], "name"),
        summary=summary[:500],
        snapshot_id=snapshot_id,
    )


def record_change(user: User, playlist_id: str, name, kind: str, label, snapshot) -> None:
    """A change to a playlist, from the change path, linked to the snapshot before it."""
    by = kind if kind in ("schedule", "rule") else "you"
    shown = CHANGE_KINDS.get(kind, kind)
    record(
        user,
        shown,
        label if label and label != kind else shown.capitalize(),
        by=by,
        playlist_id=playlist_id,
        playlist_name=name,
        snapshot_id=snapshot.id if snapshot is not None else None,
    )


def listing(user: User, query: dict) -> dict:
    """A page of the user's rows, newest first: {"items": [...], "next": before-id or None}.

    query may hold playlist_id, kind and before (the "next" of the previous page).
    """
    rows = ActivityEvent.select().where(ActivityEvent.user == user)
    if query.get("playlist_id"):
        rows = rows.where(ActivityEvent.playlist_id == query["playlist_id"])
    if query.get("kind"):
        if query["kind"] not in KINDS:
            raise Refused(f"kind must be one of {', '.join(KINDS)}")
        rows = rows.where(ActivityEvent.kind == query["kind"])
    if query.get("before"):
        rows = rows.where(ActivityEvent.id < _before(query["before"]))
    page = list(rows.order_by(ActivityEvent.id.desc()).limit(PAGE + 1))
    more = len(page) > PAGE
    items = [item(row) for row in page[:PAGE]]
    return {"items": items, "next": str(items[-1]["id"]) if more else None}


def _before(given: str) -> int:
    if not given.isascii() or not given.isdigit() or len(given) > 18:
        raise Refused("before must be the next value of the previous page")
    return int(given)


def item(row: ActivityEvent) -> dict:
    return {
        "id": row.id,
        "at": row.at.isoformat(),
        "kind": row.kind,
        "playlist_id": row.playlist_id,
        "playlist_name": row.playlist_name,
        "summary": row.summary,
        "by": row.actor,
        "snapshot_id": row.snapshot_id,
    }


def runs_since(user: User, since: datetime | None) -> list[dict]:
    """Schedule and rule runs after `since` (all kept, if None), failures first, then newest."""
    rows = ActivityEvent.select().where(
        (ActivityEvent.user == user) & ActivityEvent.kind.in_(RUN_KINDS)
    )
    if since is not None:
        rows = rows.where(ActivityEvent.at > since)
    found = [item(row) for row in rows.order_by(ActivityEvent.id.desc()).limit(PAGE)]
    return sorted(found, key=lambda run: not run["summary"].startswith("failed"))


def sign_ins(user: User, limit: int = 50) -> list[dict]:
    """The user's last sign-ins and sign-outs, newest first."""
    rows = (
        ActivityEvent.select()
        .where((ActivityEvent.user == user) & ActivityEvent.kind.in_(("sign-in", "sign-out")))
        .order_by(ActivityEvent.id.desc())
        .limit(limit)
    )
    return [item(row) for row in rows]


def of_user(user: User) -> list[dict]:
    """Every row kept for the user, newest first (the data export)."""
    rows = ActivityEvent.select().where(ActivityEvent.user == user)
    return [item(row) for row in rows.order_by(ActivityEvent.id.desc())]
