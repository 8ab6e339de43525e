"""Cron schedules in their owner's time zone (issue 23's timezone setting), DST handled.

Through the WSGI app and the runner against the fake Spotify, on SQLite files and on real
PostgreSQL, with a controllable clock:

- "0 9 * * *" for a Europe/London user runs at 08:00 UTC in summer and 09:00 UTC in winter,
  and the API answers the zone it uses ("timezone"; null for an interval).
- America/New_York: on the spring-forward day 02:30 does not exist and runs once, when the
  clocks jump (07:00 UTC); on the fall-back day 01:30 happens twice and runs once, the first.
- Changing the timezone setting recomputes the next run of the user's cron schedules that
  are not due yet, in the settings' transaction (a listener that fails takes the setting
  back too); interval, paused and due schedules and other users' keep theirs.
- UTC users: the same times as croniter in UTC.

Properties (hypothesis, no database): for any zone of ZONES and any instant, often one near
a DST change, the next run is strictly after now and its wall time matches the expression
except in a gap; it equals the first minute a clock on the wall would call for, found by
walking every minute (none missed, a repeated wall time never twice); in UTC, croniter's.
"""

from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from croniter import croniter
from direct import query
from hypothesis import given, settings
from hypothesis import strategies as st

from shuffify import database
from shuffify.accounts import user_settings
from shuffify.models import User
from shuffify.scheduling import schedules
from shuffify.scheduling.runner import Runner

LEASE_S = 300
MINUTE = timedelta(minutes=1)
PROPERTY = settings(max_examples=150, deadline=None, database=None)
ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Dublin",  # tzdata's negative summer time
    "America/New_York",
    "America/St_Johns",  # -03:30
    "America/Santiago",  # its clocks change at midnight
    "Australia/Sydney",
    "Australia/Lord_Howe",  # a 30-minute change
    "Pacific/Chatham",  # +12:45
    "Asia/Kolkata",
    "Asia/Tehran",
)
# Every field but one of day-of-month and weekday (croniter reads both as "either").
EXPRESSIONS = (
    "0 9 * * *",
    "30 2 * * *",
    "30 1 * * *",
    "0,30 0-3 * * *",
    "*/20 * * * *",
    "45 23 * * *",
    "15 1 * * 0",
    "0 9 * * 1-5",
    "0 0 1 * *",
)


# --- Through the app and the runner ----------------------------------------------------------


@pytest.fixture
def runner(spotify_app):
    return Runner(spotify_app.config["shuffify.services"], database.db.obj, 1, LEASE_S)


class Ada:
    """Ada signed in at a moment of the app's clock (a login session lasts weeks, not
    months), in a time zone, with a target and a source playlist."""

    def __init__(self, client, fake):
        self.client = client
        tracks = [fake.track() for _ in range(3)]
        self.target = fake.add_playlist("ada", "Target", tracks[:1])
        self.source = fake.add_playlist("ada", "Source", tracks)


@pytest.fixture
def ada_at(clock, sign_in, fake_spotify):
    def at(moment: datetime, zone: str) -> Ada:
        clock.now = moment
        ada = Ada(sign_in("ada"), fake_spotify)
        in_zone(ada.client, zone)
        return ada

    return at


def in_zone(client, zone: str) -> None:
    response = client.patch("/api/settings", {"timezone": zone})
    assert response.status == 200, response.raw


def cron_raid(ada: Ada, expression: str, **extra) -> dict:
    body = {
        "job_type": "raid",
        "target_playlist_id": ada.target,
        "source_playlist_ids": [ada.source],
        "schedule_type": "cron",
        "schedule_value": expression,
        **extra,
    }
    response = ada.client.post("/api/schedules", body)
    assert response.status == 201, response.raw
    return response.json


def nine_oclock_shuffle(client, target: str, **extra):
    """POST a shuffle of target every day at 09:00 (cron); the response."""
    body = {
        "job_type": "shuffle",
        "target_playlist_id": target,
        "algorithm_name": "basic",
        "schedule_type": "cron",
        "schedule_value": "0 9 * * *",
    }
    return client.post("/api/schedules", body | extra)


def next_run_at(db_url: str, schedule_id: int) -> datetime | None:
    """The stored next run, read directly (SQLite hands back text)."""
    [(value,)] = query(db_url, "SELECT next_run_at FROM schedules WHERE id = %s", schedule_id)
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def runs(db_url: str, schedule_id: int) -> int:
    [(count,)] = query(
        db_url, "SELECT count(*) FROM job_executions WHERE schedule_id = %s", schedule_id
    )
    return count


def test_a_london_cron_runs_at_0800_utc_in_summer_and_0900_utc_in_winter(
    ada_at, runner, clock, db_url
):
    ada = ada_at(datetime(2031, 7, 1, 6, 0), "Europe/London")
    created = cron_raid(ada, "0 9 * * *")
    assert created["timezone"] == "Europe/London"
    assert created["next_run_at"] == datetime(2031, 7, 1, 8, 0).isoformat()
    assert ada.client.get(f"/api/schedules/{created['id']}").json["timezone"] == "Europe/London"
    assert ada.client.get("/api/schedules").json["schedules"][0]["timezone"] == "Europe/London"

    clock.now = datetime(2031, 7, 1, 8, 0, 5)
    assert runner.run_pending() == 1
    assert next_run_at(db_url, created["id"]) == datetime(2031, 7, 2, 8, 0)

    clock.now = datetime(2031, 12, 1, 6, 0)  # five months late: one run, then winter time
    assert runner.run_pending() == 1
    assert next_run_at(db_url, created["id"]) == datetime(2031, 12, 1, 9, 0)
    assert runs(db_url, created["id"]) == 2


def test_a_london_cron_made_in_winter_runs_at_0900_utc(ada_at):
    ada = ada_at(datetime(2031, 1, 15, 12, 0), "Europe/London")
    assert cron_raid(ada, "0 9 * * *")["next_run_at"] == datetime(2031, 1, 16, 9, 0).isoformat()


def test_an_interval_schedule_answers_no_timezone(ada_at):
    ada = ada_at(datetime(2031, 7, 1, 6, 0), "Europe/London")
    created = cron_raid(ada, "0 9 * * *")
    changed = ada.client.patch(
        f"/api/schedules/{created['id']}", {"schedule_type": "interval", "schedule_value": "daily"}
    )
    assert changed.status == 200, changed.raw
    assert changed.json["timezone"] is None


def test_a_time_the_spring_forward_skips_runs_once_when_the_clocks_jump(
    ada_at, runner, clock, db_url
):
    # 23:00 EST on the 8th; at 02:00 on the 9th the clocks jump to 03:00
    ada = ada_at(datetime(2031, 3, 9, 4, 0), "America/New_York")
    created = cron_raid(ada, "30 2 * * *")
    assert created["next_run_at"] == datetime(2031, 3, 9, 7, 0).isoformat()  # 03:00 EDT

    clock.now = datetime(2031, 3, 9, 7, 0, 5)
    assert runner.run_pending() == 1
    assert next_run_at(db_url, created["id"]) == datetime(2031, 3, 10, 6, 30)  # 02:30 EDT
    clock.now = datetime(2031, 3, 9, 7, 30, 5)  # 02:30 read with the old offset: not again
    assert runner.run_pending() == 0
    assert runs(db_url, created["id"]) == 1


def test_a_time_the_fall_back_repeats_runs_once_at_its_first_occurrence(
    ada_at, runner, clock, db_url
):
    # 23:00 EDT on the 1st; at 02:00 on the 2nd the clocks go back to 01:00
    ada = ada_at(datetime(2031, 11, 2, 3, 0), "America/New_York")
    created = cron_raid(ada, "30 1 * * *")
    assert created["next_run_at"] == datetime(2031, 11, 2, 5, 30).isoformat()  # 01:30 EDT

    clock.now = datetime(2031, 11, 2, 5, 30, 5)
    assert runner.run_pending() == 1
    assert next_run_at(db_url, created["id"]) == datetime(2031, 11, 3, 6, 30)  # 01:30 EST
    clock.now = datetime(2031, 11, 2, 6, 30, 5)  # 01:30 EST, the same day's second 01:30
    assert runner.run_pending() == 0
    assert runs(db_url, created["id"]) == 1


def test_a_schedule_made_during_the_repeated_hour_skips_the_repeat(ada_at):
    ada = ada_at(datetime(2031, 11, 2, 6, 10), "America/New_York")  # 01:10 EST, the second
    created = cron_raid(ada, "30 1 * * *")
    assert created["next_run_at"] == datetime(2031, 11, 3, 6, 30).isoformat()


def test_a_utc_user_runs_at_the_utc_times_croniter_gives(ada_at, clock):
    ada = ada_at(datetime(2031, 3, 9, 4, 0), "UTC")
    for expression in EXPRESSIONS:
        created = cron_raid(ada, expression)
        expected = croniter(expression, clock.now).get_next(datetime)
        assert created["next_run_at"] == expected.isoformat(), expression
        assert created["timezone"] == "UTC"
        assert ada.client.delete(f"/api/schedules/{created['id']}").status == 200


# --- Changing the setting --------------------------------------------------------------------


@pytest.fixture
def real_time(sign_in):
    """Ada on the app's real clock: the settings change reschedules from the real now."""
    return sign_in("ada")


def test_changing_the_timezone_reschedules_cron_schedules_not_yet_due(
    real_time, fake_spotify, sign_in, db_url
):
    ada = real_time
    tracks = [fake_spotify.track() for _ in range(2)]
    target = fake_spotify.add_playlist("ada", "Target", tracks)
    cron = nine_oclock_shuffle(ada, target)
    paused = nine_oclock_shuffle(ada, target, is_enabled=False)
    interval = nine_oclock_shuffle(ada, target, schedule_type="interval", schedule_value="every_6h")
    assert {cron.status, paused.status, interval.status} == {201}
    bob = sign_in("bob")
    bobs = nine_oclock_shuffle(bob, fake_spotify.add_playlist("bob", "Bob's", tracks))
    assert bobs.status == 201, bobs.raw
    before = {
        r.json["id"]: next_run_at(db_url, r.json["id"]) for r in (cron, paused, interval, bobs)
    }

    asked = datetime.now(UTC).replace(tzinfo=None)
    in_zone(ada, "Asia/Tokyo")
    moved = next_run_at(db_url, cron.json["id"])
    assert moved != before[cron.json["id"]]
    assert asked < moved <= datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1)
    local = moved.replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Tokyo"))
    assert (local.hour, local.minute) == (9, 0)
    answered = ada.get(f"/api/schedules/{cron.json['id']}").json
    assert answered["next_run_at"] == moved.isoformat()
    assert answered["timezone"] == "Asia/Tokyo"
    for kept in (paused, interval, bobs):
        assert next_run_at(db_url, kept.json["id"]) == before[kept.json["id"]]


def test_a_due_cron_schedule_keeps_its_time_when_the_timezone_changes(
    real_time, fake_spotify, db_url
):
    ada = real_time
    target = fake_spotify.add_playlist("ada", "Target", [fake_spotify.track()])
    created = nine_oclock_shuffle(ada, target).json
    due = datetime(2020, 1, 1, 9, 0)  # waiting for a claim (or for its user to sign in)
    query(db_url, "UPDATE schedules SET next_run_at = %s WHERE id = %s", due, created["id"])
    in_zone(ada, "Europe/Paris")
    assert next_run_at(db_url, created["id"]) == due


def test_a_failing_reschedule_takes_the_timezone_change_back(
    real_time, fake_spotify, db_url, monkeypatch
):
    ada = real_time
    target = fake_spotify.add_playlist("ada", "Target", [fake_spotify.track()])
    created = nine_oclock_shuffle(ada, target).json
    before = next_run_at(db_url, created["id"])

    def fails(user, zone, now):
        raise RuntimeError("after the reschedule, in the same transaction")

    monkeypatch.setattr(user_settings, "ZONE_LISTENERS", [*user_settings.ZONE_LISTENERS, fails])
    assert ada.patch("/api/settings", {"timezone": "Asia/Tokyo"}).status == 500
    assert next_run_at(db_url, created["id"]) == before
    assert ada.get("/api/settings").json["settings"]["timezone"] == "UTC"


def test_the_scheduling_module_listens_for_timezone_changes():
    assert schedules.reschedule in user_settings.ZONE_LISTENERS


def test_reschedule_recomputes_from_the_given_now(real_time, fake_spotify, db_url):
    ada = real_time
    target = fake_spotify.add_playlist("ada", "Target", [fake_spotify.track()])
    created = nine_oclock_shuffle(ada, target).json
    now = datetime(2020, 7, 1, 6, 0)  # before the stored next run: it is not due
    schedules.reschedule(User.get_by_id(ada.user_id), "Europe/London", now)
    assert next_run_at(db_url, created["id"]) == datetime(2020, 7, 1, 8, 0)


# --- Properties ------------------------------------------------------------------------------


@cache
def changes(zone: str) -> tuple[datetime, ...]:
    """The hours (naive UTC) in 2000-2037 at which the zone's UTC offset changes."""
    tz = ZoneInfo(zone)

    def offset(moment: datetime) -> timedelta:
        return wall(moment, tz).utcoffset()

    found = []
    day = datetime(2000, 1, 1)
    while day < datetime(2038, 1, 1):
        if offset(day) != offset(day + timedelta(days=1)):
            hours = (day + timedelta(hours=h) for h in range(25))
            found.append(next(h for h in hours if offset(h) != offset(day)))
        day += timedelta(days=1)
    return tuple(found)


@st.composite
def zone_and_instant(draw):
    """A zone of ZONES and an instant, half the time within 36 hours of a DST change."""
    zone = draw(st.sampled_from(ZONES))
    anywhere = st.datetimes(datetime(2000, 1, 1), datetime(2037, 12, 31))
    near = (
        st.tuples(st.sampled_from(changes(zone)), st.integers(-36 * 3600, 36 * 3600)).map(
            lambda pair: pair[0] + timedelta(seconds=pair[1])
        )
        if changes(zone)
        else anywhere
    )
    return zone, draw(st.one_of(anywhere, near))


def wall(instant: datetime, tz: ZoneInfo) -> datetime:
    """The local time of a naive UTC instant, with fold=1 for the second of a repeated one."""
    return instant.replace(tzinfo=UTC).astimezone(tz)


def jumped_forward(instant: datetime, tz: ZoneInfo) -> bool:
    """The clocks moved forward at this instant (the end of a gap)."""
    second = timedelta(seconds=1)
    return wall(instant, tz).utcoffset() > wall(instant - second, tz).utcoffset()


@PROPERTY
@given(zone_and_instant(), st.sampled_from(EXPRESSIONS))
def test_the_next_run_is_after_now_and_matches_on_the_wall_except_in_a_gap(case, expression):
    zone, now = case
    tz = ZoneInfo(zone)
    run = schedules.next_cron_run(expression, now, zone)
    assert run > now
    local = wall(run, tz).replace(tzinfo=None)
    assert croniter.match(expression, local) or jumped_forward(run, tz)


def matches(fields: list, local: datetime) -> bool:
    weekday = (local.weekday() + 1) % 7  # cron counts from Sunday
    values = (local.minute, local.hour, local.day, local.month, weekday)
    return all(
        field == ["*"] or value in field for field, value in zip(fields, values, strict=True)
    )


def first_due_minute(expression: str, now: datetime, tz: ZoneInfo) -> datetime:
    """A clock on the wall, read every minute after now: the first minute whose wall time
    matches (not a repeat of an earlier one), or at which the clocks jumped over one."""
    fields = croniter(expression).expanded
    minute = now.replace(second=0, microsecond=0) + MINUTE
    previous = wall(minute - MINUTE, tz).replace(tzinfo=None)
    while True:
        local = wall(minute, tz)
        here = local.replace(tzinfo=None)
        if local.fold == 0 and matches(fields, here):
            return minute
        skipped = previous + MINUTE
        while skipped < here:
            if matches(fields, skipped):
                return minute
            skipped += MINUTE
        previous = max(previous, here)
        minute += MINUTE


@PROPERTY
@given(zone_and_instant(), st.sampled_from(EXPRESSIONS))
def test_the_next_run_is_the_first_minute_a_wall_clock_calls_for(case, expression):
    zone, now = case
    tz = ZoneInfo(zone)
    assert schedules.next_cron_run(expression, now, zone) == first_due_minute(expression, now, tz)


@PROPERTY
@given(st.datetimes(datetime(2000, 1, 1), datetime(2037, 12, 31)), st.sampled_from(EXPRESSIONS))
def test_in_utc_the_next_run_is_croniters(now, expression):
    expected = croniter(expression, now).get_next(datetime)
    assert schedules.next_cron_run(expression, now, "UTC") == expected
