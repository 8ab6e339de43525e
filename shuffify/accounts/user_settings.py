"""A user's settings, and their dashboard's preferences (issue 23).

Every setting is read where it acts, so none is stored and ignored (the
original kept several that nothing read, and one switched everyone's
automatic snapshots off):

- default_algorithm and default_params: preselected on the dashboard;
- keep_added_dates: the default of every reordering change whose request
  does not say (shuffify.web.routes.tools.written);
- auto_snapshots_kept: how many automatic snapshots per playlist
  shuffify.playlists.snapshots keeps;
- timezone: the zone the pages show times in, and cron schedules run in (a change
  reschedules them through ZONE_LISTENERS);
- theme: the pages' colours (a data-theme attribute on <html>).

A user without a row has the defaults; the row is made on the first change.
A PATCH changes only the fields it names, each checked first (400 naming
it), all or nothing.
"""

import zoneinfo
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache

from shuffify import shuffle
from shuffify.checks import storable
from shuffify.database import write_transaction
from shuffify.errors import Refused
from shuffify.models import User, UserSettings, utcnow

DEFAULTS = {
    "default_algorithm": None,
    "default_params": None,
    "keep_added_dates": False,
    "auto_snapshots_kept": 30,
    "timezone": "UTC",
    "theme": "system",
}
THEMES = ("light", "dark", "system")
MIN_KEPT, MAX_KEPT = 1, 200
VISIT_GAP = timedelta(minutes=30)  # reloads within this are the same visit
MAX_PREFERENCE_IDS = 2000
# listener(user, zone, now), called inside the transaction that changes a user's time zone.
# shuffify.scheduling.schedules adds itself here when imported (accounts may not import
# scheduling); the web app imports it with its routes, settings among them.
ZONE_LISTENERS: list[Callable[[User, str, datetime], None]] = []


def row_of(user: User) -> UserSettings | None:
    return UserSettings.get_or_none(UserSettings.user == user)


def settings_of(user: User) -> dict:
    """The user's settings, defaults filled in."""
    row = row_of(user)
    if row is None:
        return dict(DEFAULTS)
    return {name: getattr(row, name) for name in DEFAULTS}


def value(user: User, name: str):
    return settings_of(user)[name]


def update(user: User, changes: dict) -> dict:
    """Apply the named fields (each checked, 400 naming it); the settings after."""
    unknown = sorted(set(changes) - set(DEFAULTS))
    if unknown:
        raise Refused(f"unknown field{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}")
    current = settings_of(user)
    checked = _checked(changes, current)
    with write_transaction():
        row = row_of(user) or UserSettings(user=user)
        for name, new in checked.items():
            setattr(row, name, new)
        row.updated_at = utcnow()
        row.save()
        if checked.get("timezone", current["timezone"]) != current["timezone"]:
            for listener in ZONE_LISTENERS:
                listener(user, checked["timezone"], row.updated_at)
    return {**current, **checked}


def _checked(changes: dict, current: dict) -> dict:
    checked = {}
    for name in ("keep_added_dates", "auto_snapshots_kept", "timezone", "theme"):
        if name in changes:
            checked[name] = CHECKS[name](changes[name])
    if "default_algorithm" in changes or "default_params" in changes:
        checked.update(_checked_algorithm(changes, current))
    return checked


def _checked_bool(given: object) -> bool:
    if not isinstance(given, bool):
        raise Refused("keep_added_dates must be true or false")
    return given


def _checked_kept(given: object) -> int:
    if isinstance(given, bool) or not isinstance(given, int) or not MIN_KEPT <= given <= MAX_KEPT:
        raise Refused(f"auto_snapshots_kept must be a whole number from {MIN_KEPT} to {MAX_KEPT}")
    return given


def _checked_timezone(given: object) -> str:
    if not isinstance(given, str) or given not in zones():
        raise Refused("timezone must be an IANA time zone name, such as Europe/Paris or UTC")
    return storable(given, "timezone")


def _checked_theme(given: object) -> str:
    if given not in THEMES:
        raise Refused(f"theme must be one of {', '.join(THEMES)}")
    return given


CHECKS = {
    "keep_added_dates": _checked_bool,
    "auto_snapshots_kept": _checked_kept,
    "timezone": _checked_timezone,
    "theme": _checked_theme,
}


def _checked_algorithm(changes: dict, current: dict) -> dict:
    """default_algorithm (or null) and its parameters, checked against the registry."""
    algorithm = changes.get("default_algorithm", current["default_algorithm"])
    if algorithm is None:
        if changes.get("default_params") is not None:
            raise Refused("default_params needs a default_algorithm")
        return {"default_algorithm": None, "default_params": None}
    if not isinstance(algorithm, str) or algorithm not in shuffle.ALGORITHMS:
        raise Refused(
            f"default_algorithm must be one of {', '.join(shuffle.ALGORITHMS)} "
            "(see /api/algorithms)"
        )
    same = algorithm == current["default_algorithm"]
    params = changes.get("default_params", current["default_params"] if same else None)
    try:
        checked = shuffle.validate_params(algorithm, params or {})
    except shuffle.InvalidParams as invalid:
        raise Refused(f"default_params: {invalid}") from None
    return {"default_algorithm": algorithm, "default_params": checked}


@cache
def zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


# --- the dashboard's preferences ------------------------------------------------------------

PREFERENCES = ("order", "favourites", "hidden")
_COLUMNS = {"order": "playlist_order", "favourites": "favourites", "hidden": "hidden"}


def preferences(user: User) -> dict:
    """{"order": [ids], "favourites": [ids], "hidden": [ids]} (empty lists by default)."""
    row = row_of(user)
    return {name: (getattr(row, _COLUMNS[name]) or []) if row else [] for name in PREFERENCES}


def set_preferences(user: User, body: dict) -> dict:
    """Replace the named lists (each a list of distinct playlist ids); the preferences after."""
    unknown = sorted(set(body) - set(PREFERENCES))
    if unknown:
        raise Refused(f"unknown field{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}")
    checked = {name: _checked_ids(name, body[name]) for name in PREFERENCES if name in body}
    with write_transaction():
        row = row_of(user) or UserSettings(user=user)
        for name, ids in checked.items():
            setattr(row, _COLUMNS[name], ids)
        row.updated_at = utcnow()
        row.save()
    return preferences(user)


def _checked_ids(name: str, given: object) -> list[str]:
    if not isinstance(given, list) or not all(_playlist_id(item) for item in given):
        raise Refused(f"{name} must be a list of playlist ids")
    if len(given) > MAX_PREFERENCE_IDS:
        raise Refused(f"{name} holds more than {MAX_PREFERENCE_IDS} playlist ids")
    return list(dict.fromkeys(given))


def _playlist_id(item: object) -> bool:
    return isinstance(item, str) and 0 < len(item) <= 64 and item.isascii() and item.isalnum()


# --- visits: what "since your last visit" counts from ---------------------------------------


def visit(user: User, now: datetime) -> datetime | None:
    """Mark a visit to the dashboard; when the previous visit was (None: never).

    Loads within VISIT_GAP of the last belong to the same visit, so a reload
    does not empty "since your last visit".
    """
    with write_transaction():
        row = row_of(user) or UserSettings(user=user)
        if row.last_visit_at is None or now - row.last_visit_at > VISIT_GAP:
            row.previous_visit_at = row.last_visit_at
        row.last_visit_at = now
        row.save()
    return row.previous_visit_at
