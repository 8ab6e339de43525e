"""The job runner (issue 12): due schedules claimed exactly once and run, recorded in
job_executions, against the real HTTP fake Spotify.

In-process, on SQLite files and on real PostgreSQL, with a controllable clock and
Runner.run_pending() called by the test (no thread unless a test needs one):

- A raid appends only the sources' items the target lacks, each once, with the fewest calls;
  a gone source (404) and a metadata-only source (items 403) are named in the message of a
  run that still succeeds. A shuffle is an undo step the user can take back; raid_and_shuffle
  is one execution.
- Failures: a revoked token, a long rate limit during a run; five in a row pause the schedule.
- History: executions beyond 100 per schedule are deleted; a run-now of a disabled schedule
  goes queued -> success.
- Time: an interval keeps its phase across a restart and missed runs coalesce into one; a cron
  schedule advances to its next match in UTC (with the test process in another time zone).
- Leases: an expired lease's running execution is failed ("the process running it stopped")
  and the schedule runs at its next due time, once; a live lease is never claimed.
- What must not break the runner or a claim: a schedule deleted while it runs, a PATCH that
  lands while another process claims, a stored row with a value the API would refuse, and
  (PostgreSQL) a recovery that races a claim.

With real `python app.py` processes (SQLite file, PostgreSQL, PostgreSQL through a real
PgBouncer in transaction mode): 2 and 4 processes started at once with 50 due raids run each
exactly once (one execution and one write per schedule); a process SIGKILLed mid-run has its
run failed by another process after the lease, and the schedule runs once more when due.
"""

import math
import signal
import threading
import time
from collections import Counter
from datetime import datetime, timedelta

import psycopg2
import pytest
from app_settings import T0, Clock, spotify_settings
from direct import query
from pg_cluster import free_port
from polling import wait_until
from signed_in import SignedIn
from wsgi_client import Client

from shuffify import database
from shuffify.models import JobExecution, Schedule, utcnow
from shuffify.scheduling import schedules
from shuffify.scheduling.runner import Runner
from shuffify.scheduling.runs import DIED, claim, recover_expired
from shuffify.web.app import create_app

LEASE_S = 300
SECRET_KEY = "runner-test-secret-key-0123456789abcdefg"  # 40 characters
NOT_UTC = "America/Los_Angeles"  # a process clock on local time would be 7-8 hours behind
DEADLINE_S = 60


def executions(url: str, schedule_id: int) -> list[dict]:
    """The schedule's job_executions rows, oldest first, read directly."""
    columns = (
        "id, status, trigger, tracks_added, tracks_total, error_message, started_at, completed_at"
    )
    rows = query(
        url,
        f"SELECT {columns} FROM job_executions WHERE schedule_id = %s ORDER BY id",
        schedule_id,
    )
    return [dict(zip(columns.split(", "), row, strict=True)) for row in rows]


def schedule_row(url: str, schedule_id: int) -> dict:
    columns = (
        "is_enabled, last_run_at, last_status, last_error, next_run_at, "
        "consecutive_failures, lease_until"
    )
    (row,) = query(url, f"SELECT {columns} FROM schedules WHERE id = %s", schedule_id)
    return dict(zip(columns.split(", "), row, strict=True))


def as_datetime(value) -> datetime:
    """A timestamp as read directly: SQLite hands back text."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def items_path(playlist_id: str) -> str:
    return rf"^/v1/playlists/{playlist_id}/items$"


# --- In-process fixtures ------------------------------------------------------------------


@pytest.fixture
def ada(clock, sign_in):
    return sign_in("ada")


@pytest.fixture
def runner(spotify_app):
    return Runner(spotify_app.config["shuffify.services"], database.db.obj, 1, LEASE_S)


@pytest.fixture
def restart(spotify_app, db_url, make_settings, fake_spotify, clock):
    """restart() -> a Runner of a new app over the same database, on the same clock."""

    def start() -> Runner:
        database.close_database(database.db.obj)  # create_app rebinds the global database
        app = create_app(make_settings(**spotify_settings(fake_spotify, DATABASE_URL=db_url)))
        services = app.config["shuffify.services"]
        services.clock = clock
        return Runner(services, database.db.obj, 1, LEASE_S)

    return start


def create(client: SignedIn, body: dict) -> dict:
    response = client.post("/api/schedules", body)
    assert response.status == 201, response.raw
    return response.json


def raid_body(target: str, sources: list[str], **extra) -> dict:
    return {
        "job_type": "raid",
        "target_playlist_id": target,
        "source_playlist_ids": sources,
        "schedule_type": "interval",
        "schedule_value": "every_6h",
        **extra,
    }


def make_due(clock: Clock, client: SignedIn, schedule_id: int) -> datetime:
    """Move the clock to the schedule's due time; that time."""
    due = datetime.fromisoformat(client.get(f"/api/schedules/{schedule_id}").json["next_run_at"])
    clock.now = due
    return due


def only_execution(url: str, schedule_id: int) -> dict:
    rows = executions(url, schedule_id)
    assert len(rows) == 1, rows
    return rows[0]


# --- Raids -----------------------------------------------------------------------------------


def test_a_due_raid_appends_only_the_new_items_each_once_with_the_fewest_calls(
    ada, fake_spotify, runner, clock, db_url
):
    fake = fake_spotify
    tracks = [fake.track() for _ in range(125)]
    target = fake.add_playlist("ada", "Target", tracks[:3])
    source_a = fake.add_playlist("ada", "A", [tracks[1], *tracks[3:120], tracks[3]])
    source_b = fake.add_playlist(
        "ada", "B", [tracks[119], tracks[120], tracks[2], fake.local(), *tracks[121:125]]
    )
    fake.add_unavailable(source_b)
    schedule = create(ada, raid_body(target, [source_a, source_b]))
    assert runner.run_pending() == 0  # not due yet
    assert executions(db_url, schedule["id"]) == []

    due = make_due(clock, ada, schedule["id"])
    fake.reset_calls()
    assert runner.run_pending() == 1
    expected = [t["uri"] for t in tracks]  # the 3 held, then 122 new ones in source order
    assert fake.playlist_uris(target) == expected
    assert fake.count("POST", items_path(target)) == math.ceil(122 / 100) == 2
    assert fake.count("PUT", items_path(target)) == 0
    assert fake.count("DELETE", items_path(target)) == 0
    run = only_execution(db_url, schedule["id"])
    assert run["status"] == "success" and run["trigger"] == "schedule"
    assert (run["tracks_added"], run["tracks_total"]) == (122, 125)
    assert run["error_message"] is None
    assert as_datetime(run["started_at"]) == due and as_datetime(run["completed_at"]) == due
    answer = ada.get(f"/api/schedules/{schedule['id']}").json
    assert answer["last_status"] == "success" and answer["last_error"] is None
    assert answer["last_run_at"] == due.isoformat()
    assert answer["next_run_at"] == (due + timedelta(hours=6)).isoformat()
    assert answer["running"] is False and answer["consecutive_failures"] == 0

    assert runner.run_pending() == 0  # ran once
    make_due(clock, ada, schedule["id"])
    fake.reset_calls()
    assert runner.run_pending() == 1  # nothing new: no write at all
    assert fake.count("POST") == fake.count("POST", r"^/accounts/")
    assert fake.count("PUT") == 0
    assert executions(db_url, schedule["id"])[-1]["tracks_added"] == 0
    assert fake.playlist_uris(target) == expected


def test_a_raid_without_own_sources_uses_the_targets_upstream_sources(
    ada, fake_spotify, runner, clock, db_url
):
    fake = fake_spotify
    tracks = [fake.track() for _ in range(4)]
    target = fake.add_playlist("ada", "Target", tracks[:1])
    source = fake.add_playlist("ada", "Upstream", tracks)
    added = ada.post(f"/api/playlists/{target}/sources", {"source_playlist_id": source})
    assert added.status == 201, added.raw
    schedule = create(ada, raid_body(target, []))
    make_due(clock, ada, schedule["id"])
    assert runner.run_pending() == 1
    assert fake.playlist_uris(target) == [t["uri"] for t in tracks]
    assert only_execution(db_url, schedule["id"])["tracks_added"] == 3


def test_gone_and_metadata_only_sources_are_named_and_the_others_still_count(
    ada, fake_spotify, runner, clock, db_url
):
    fake = fake_spotify
    fake.add_user("bob", "Bob")
    tracks = [fake.track() for _ in range(5)]
    target = fake.add_playlist("ada", "Target", tracks[:2])
    gone = fake.add_playlist("ada", "Gone", [tracks[2]])
    bobs = fake.add_playlist("bob", "Bob's", [tracks[3]], public=True)
    good = fake.add_playlist("ada", "Good", [tracks[4], tracks[0]])
    schedule = create(ada, raid_body(target, [gone, bobs, good]))
    fake.delete_playlist(gone)
    make_due(clock, ada, schedule["id"])
    assert runner.run_pending() == 1
    run = only_execution(db_url, schedule["id"])
    assert run["status"] == "success", run
    assert (run["tracks_added"], run["tracks_total"]) == (1, 3)
    assert gone in run["error_message"] and bobs in run["error_message"], run
    assert good not in run["error_message"]
    assert fake.playlist_uris(target) == [t["uri"] for t in (tracks[0], tracks[1], tracks[4])]
    assert schedule_row(db_url, schedule["id"])["last_status"] == "success"


# --- Shuffles --------------------------------------------------------------------------------


def test_a_scheduled_shuffle_changes_the_order_and_the_user_can_undo_it(
    ada, fake_spotify, runner, clock, db_url
):
    fake = fake_spotify
    tracks = [fake.track(artists=(f"Artist {i % 4}",)) for i in range(12)]
    target = fake.add_playlist("ada", "Target", tracks)
    original = fake.playlist_uris(target)
    schedule = create(
        ada,
        {
            "job_type": "shuffle",
            "target_playlist_id": target,
            "algorithm_name": "artist_spacing",
            "algorithm_params": {"min_spacing": 2, "seed": 7},
            "schedule_value": "daily",
        },
    )
    make_due(clock, ada, schedule["id"])
    assert runner.run_pending() == 1
    run = only_execution(db_url, schedule["id"])
    assert run["status"] == "success", run
    assert (run["tracks_added"], run["tracks_total"]) == (0, 12)
    shuffled = fake.playlist_uris(target)
    assert shuffled != original and Counter(shuffled) == Counter(original)

    steps = ada.get(f"/api/playlists/{target}/history").json
    assert steps["can_undo"] is True
    assert steps["steps"][0]["current"] and "schedule" in steps["steps"][0]["label"]
    undone = ada.post(f"/api/playlists/{target}/undo")
    assert undone.status == 200, undone.raw
    assert fake.playlist_uris(target) == original


def test_raid_and_shuffle_is_one_execution_that_adds_and_shuffles(
    ada, fake_spotify, runner, clock, db_url
):
    fake = fake_spotify
    tracks = [fake.track() for _ in range(15)]
    target = fake.add_playlist("ada", "Target", tracks[:10])
    source = fake.add_playlist("ada", "Source", tracks[5:])
    schedule = create(
        ada,
        raid_body(
            target,
            [source],
            job_type="raid_and_shuffle",
            algorithm_name="basic",
            algorithm_params={"seed": 3},
        ),
    )
    make_due(clock, ada, schedule["id"])
    assert runner.run_pending() == 1
    run = only_execution(db_url, schedule["id"])
    assert run["status"] == "success", run
    assert (run["tracks_added"], run["tracks_total"]) == (5, 15)
    after = fake.playlist_uris(target)
    everything = [t["uri"] for t in tracks]
    assert Counter(after) == Counter(everything) and after != everything
    steps = ada.get(f"/api/playlists/{target}/history").json["steps"]
    assert [s["kind"] for s in steps].count("schedule") == 1  # one change, one undo step


# --- Failures --------------------------------------------------------------------------------


@pytest.fixture
def small_raid(ada, fake_spotify):
    """(schedule, target, source): a raid that adds one track to a playlist of three."""
    tracks = [fake_spotify.track() for _ in range(4)]
    target = fake_spotify.add_playlist("ada", "Target", tracks[:3])
    source = fake_spotify.add_playlist("ada", "Source", tracks[2:])
    return create(ada, raid_body(target, [source])), target, source


def test_a_revoked_token_holds_the_run_saying_sign_in_again(
    ada, fake_spotify, small_raid, runner, clock, db_url
):
    schedule, target, _ = small_raid
    fake_spotify.revoke("ada")
    fake_spotify.expire_access_tokens()
    make_due(clock, ada, schedule["id"])
    assert runner.run_pending() == 1
    run = only_execution(db_url, schedule["id"])
    assert run["status"] == "held" and run["error_message"].endswith("sign in again"), run
    assert run["completed_at"] is not None
    row = schedule_row(db_url, schedule["id"])
    assert (row["last_status"], row["last_error"]) == ("held", run["error_message"])
    assert row["consecutive_failures"] == 0 and row["lease_until"] is None
    assert query(db_url, "SELECT encrypted_refresh_token, needs_signin FROM users") in (
        [(None, True)],
        [(None, 1)],
    )
    assert runner.run_pending() == 0  # held: not claimed again and again
    assert fake_spotify.count("POST", items_path(target)) == 0
    stored = " ".join(str(v) for row in query(db_url, "SELECT * FROM job_executions") for v in row)
    assert not any(secret in stored for secret in fake_spotify.issued_secrets())


def test_a_background_run_stores_the_rotated_refresh_token_and_uses_it_next_time(
    ada, fake_spotify, small_raid, runner, clock, db_url
):
    schedule, _, _ = small_raid
    fake_spotify.rotate_refresh_tokens = True
    encrypted = query(db_url, "SELECT encrypted_refresh_token FROM users")
    make_due(clock, ada, schedule["id"])
    assert runner.run_pending() == 1
    rotated = query(db_url, "SELECT encrypted_refresh_token FROM users")
    assert rotated != encrypted
    assert not any(secret in rotated[0][0] for secret in fake_spotify.issued_secrets())
    make_due(clock, ada, schedule["id"])
    fresh_runner = Runner(runner.services, database.db.obj, 1, LEASE_S)  # no token in memory
    assert fresh_runner.run_pending() == 1
    assert [r["status"] for r in executions(db_url, schedule["id"])] == ["success", "success"]


def test_a_long_rate_limit_during_a_run_pauses_and_postpones_it(
    ada, fake_spotify, small_raid, runner, clock, db_url
):
    schedule, target, source = small_raid
    fake_spotify.fail_next("GET", items_path(source), 429, retry_after=120)
    make_due(clock, ada, schedule["id"])
    assert runner.run_pending() == 1
    run = only_execution(db_url, schedule["id"])
    assert run["status"] == "postponed", run
    assert run["error_message"].startswith("postponed: Spotify paused Shuffify until")
    assert fake_spotify.count("GET", items_path(source)) == 1  # asked once, not waited out
    assert fake_spotify.count("POST", items_path(target)) == 0
    assert len(fake_spotify.playlist_uris(target)) == 3
    row = schedule_row(db_url, schedule["id"])
    assert as_datetime(row["next_run_at"]) == clock.now + timedelta(seconds=120)


def test_five_failures_in_a_row_pause_the_schedule_saying_why(
    ada, fake_spotify, small_raid, runner, clock, db_url
):
    schedule, target, _ = small_raid
    url = f"/api/schedules/{schedule['id']}"

    def run_once(fail: bool) -> dict:
        if fail:
            fake_spotify.fail_next("GET", rf"^/v1/playlists/{target}$", 404)
        make_due(clock, ada, schedule["id"])
        assert runner.run_pending() == 1
        return ada.get(url).json

    assert run_once(True)["consecutive_failures"] == 1
    assert run_once(True)["consecutive_failures"] == 2
    assert run_once(False)["consecutive_failures"] == 0  # a success starts the count again
    for failures in range(1, 5):
        answer = run_once(True)
        assert (answer["consecutive_failures"], answer["is_enabled"]) == (failures, True)
    paused = run_once(True)
    assert paused["is_enabled"] is False and paused["last_status"] == "failed"
    assert "paused" in paused["last_error"] and "5" in paused["last_error"]
    assert "no such playlist" in paused["last_error"]  # and the reason
    statuses = [run["status"] for run in executions(db_url, schedule["id"])]
    assert statuses == ["failed"] * 2 + ["success"] + ["failed"] * 5

    clock.now += timedelta(days=10)  # (a login session ends after 14 idle days)
    assert runner.run_pending() == 0  # paused: never due
    resumed = ada.patch(url, {"is_enabled": True})
    assert resumed.status == 200, resumed.raw
    assert resumed.json["consecutive_failures"] == 0
    assert resumed.json["next_run_at"] == (clock.now + timedelta(hours=6)).isoformat()


# --- Execution history -----------------------------------------------------------------------


def test_executions_beyond_the_newest_100_per_schedule_are_deleted(
    ada, fake_spotify, small_raid, runner, clock, db_url
):
    schedule, _, _ = small_raid
    other = create(ada, raid_body(small_raid[1], [small_raid[2]], is_enabled=False))
    old = [
        {"schedule": schedule["id"], "status": "success", "started_at": T0, "completed_at": T0}
    ] * 105
    JobExecution.insert_many(old).execute()
    JobExecution.insert_many(
        [{"schedule": other["id"], "status": "success", "started_at": T0}] * 3
    ).execute()
    before = [run["id"] for run in executions(db_url, schedule["id"])]
    make_due(clock, ada, schedule["id"])
    assert runner.run_pending() == 1
    after = [run["id"] for run in executions(db_url, schedule["id"])]
    assert len(after) == 100
    assert after == [*before[6:], after[-1]] and after[-1] > before[-1]
    assert len(executions(db_url, other["id"])) == 3  # another schedule's are its own


def test_run_now_of_a_disabled_schedule_runs_it_queued_then_success(
    ada, fake_spotify, small_raid, runner, clock, db_url
):
    schedule, target, _ = small_raid
    url = f"/api/schedules/{schedule['id']}"
    assert ada.patch(url, {"is_enabled": False}).status == 200
    assert runner.run_pending() == 0
    queued = ada.post(f"{url}/run")
    assert queued.status == 202
    execution_id = queued.json["execution_id"]
    assert [(r["id"], r["status"]) for r in executions(db_url, schedule["id"])] == [
        (execution_id, "queued")
    ]
    assert fake_spotify.count("POST", items_path(target)) == 0

    assert runner.run_pending() == 1
    run = only_execution(db_url, schedule["id"])
    assert (run["id"], run["status"], run["trigger"]) == (execution_id, "success", "manual")
    assert run["tracks_added"] == 1 and len(fake_spotify.playlist_uris(target)) == 4
    answer = ada.get(url).json
    assert answer["is_enabled"] is False and answer["next_run_at"] is None
    assert answer["last_status"] == "success"
    assert runner.run_pending() == 0


def test_run_now_of_an_enabled_schedule_keeps_its_phase(ada, small_raid, runner, clock, db_url):
    schedule, _, _ = small_raid
    url = f"/api/schedules/{schedule['id']}"
    clock.now = T0 + timedelta(hours=1)
    assert ada.post(f"{url}/run").status == 202
    assert runner.run_pending() == 1
    assert only_execution(db_url, schedule["id"])["trigger"] == "manual"
    assert ada.get(url).json["next_run_at"] == (T0 + timedelta(hours=6)).isoformat()
    assert runner.run_pending() == 0


# --- Time ------------------------------------------------------------------------------------


def test_an_interval_keeps_its_phase_across_a_restart_and_missed_runs_coalesce(
    ada, small_raid, runner, restart, clock, db_url
):
    schedule, _, _ = small_raid
    six_hours = timedelta(hours=6)
    first_due = T0 + six_hours
    clock.now = first_due + timedelta(minutes=5)  # a little late
    assert runner.run_pending() == 1
    assert schedule_row(db_url, schedule["id"])["next_run_at"] is not None
    assert as_datetime(schedule_row(db_url, schedule["id"])["next_run_at"]) == T0 + 2 * six_hours

    again = restart()  # a new process: the phase comes from the row, not from start-up
    clock.now = T0 + 2 * six_hours - timedelta(seconds=1)
    assert again.run_pending() == 0
    clock.now += timedelta(days=3)  # every process was down for 3 days
    assert again.run_pending() == 1  # the missed runs are one run
    assert again.run_pending() == 0
    next_run = as_datetime(schedule_row(db_url, schedule["id"])["next_run_at"])
    assert next_run > clock.now
    assert next_run - six_hours <= clock.now
    assert (next_run - first_due) % six_hours == timedelta(0)  # still in phase
    assert len(executions(db_url, schedule["id"])) == 2


@pytest.fixture
def not_utc(monkeypatch):
    """The test process's local time zone is not UTC while the test runs."""
    monkeypatch.setenv("TZ", NOT_UTC)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_cron_schedule_advances_to_its_next_match_in_utc(
    ada, fake_spotify, runner, restart, clock, db_url, not_utc
):
    tracks = [fake_spotify.track() for _ in range(3)]
    target = fake_spotify.add_playlist("ada", "Target", tracks[:1])
    source = fake_spotify.add_playlist("ada", "Source", tracks)
    schedule = create(
        ada, raid_body(target, [source], schedule_type="cron", schedule_value="0 */6 * * *")
    )
    assert schedule["next_run_at"] == datetime(2031, 3, 4, 12, 0).isoformat()
    clock.now = datetime(2031, 3, 4, 11, 59, 59)
    assert runner.run_pending() == 0
    clock.now = datetime(2031, 3, 4, 12, 0, 5)
    assert runner.run_pending() == 1
    assert as_datetime(schedule_row(db_url, schedule["id"])["next_run_at"]) == datetime(
        2031, 3, 4, 18, 0
    )
    again = restart()
    clock.now = datetime(2031, 3, 9, 9, 30)  # across a US daylight-saving change, 5 days on
    assert again.run_pending() == 1
    assert again.run_pending() == 0
    assert as_datetime(schedule_row(db_url, schedule["id"])["next_run_at"]) == datetime(
        2031, 3, 9, 12, 0
    )
    assert len(executions(db_url, schedule["id"])) == 2


# --- Leases ----------------------------------------------------------------------------------


def test_an_expired_lease_fails_its_run_and_the_schedule_runs_at_its_next_due_time_once(
    ada, small_raid, runner, clock, db_url
):
    schedule, _, _ = small_raid
    next_due = T0 + timedelta(hours=2)
    clock.now = T0 + timedelta(hours=1)
    Schedule.update(lease_until=clock.now - timedelta(seconds=1), next_run_at=next_due).where(
        Schedule.id == schedule["id"]
    ).execute()
    dead = JobExecution.create(schedule=schedule["id"], status="running", started_at=T0)
    assert ada.get(f"/api/schedules/{schedule['id']}").json["running"] is True

    assert runner.run_pending() == 0  # recovered, but not due yet
    (run,) = executions(db_url, schedule["id"])
    assert (run["id"], run["status"], run["error_message"]) == (dead.id, "failed", DIED)
    assert as_datetime(run["completed_at"]) == clock.now
    row = schedule_row(db_url, schedule["id"])
    assert (row["last_status"], row["last_error"], row["lease_until"]) == ("failed", DIED, None)
    assert as_datetime(row["next_run_at"]) == next_due
    assert ada.get(f"/api/schedules/{schedule['id']}").json["running"] is False

    clock.now = next_due
    assert runner.run_pending() == 1
    assert runner.run_pending() == 0
    assert [r["status"] for r in executions(db_url, schedule["id"])] == ["failed", "success"]


def test_a_schedule_under_a_live_lease_is_never_claimed_again(
    ada, small_raid, runner, clock, db_url
):
    schedule, _, _ = small_raid
    clock.now = T0 + timedelta(hours=7)  # due
    Schedule.update(lease_until=clock.now + timedelta(seconds=LEASE_S)).where(
        Schedule.id == schedule["id"]
    ).execute()
    elsewhere = JobExecution.create(schedule=schedule["id"], status="running", started_at=T0)
    assert ada.post(f"/api/schedules/{schedule['id']}/run").status == 202
    assert runner.run_pending() == 0
    runs = [(r["id"], r["status"]) for r in executions(db_url, schedule["id"])]
    assert runs[0] == (elsewhere.id, "running")
    assert [r["status"] for r in executions(db_url, schedule["id"])] == ["running", "queued"]


def test_a_run_longer_than_its_lease_keeps_it_with_heartbeats(
    spotify_app, sign_in, fake_spotify, db_url
):
    """Real time here: the heartbeat extends a 1 s lease while a run takes a few seconds."""
    ada = sign_in("ada")
    tracks = [fake_spotify.track() for _ in range(4)]
    target = fake_spotify.add_playlist("ada", "Target", tracks[:3])
    source = fake_spotify.add_playlist("ada", "Source", tracks[2:])
    schedule = create(ada, raid_body(target, [source]))
    query(
        db_url,
        "UPDATE schedules SET next_run_at = %s WHERE id = %s",
        utcnow() - timedelta(seconds=1),
        schedule["id"],
    )
    services = spotify_app.config["shuffify.services"]
    running = Runner(services, database.db.obj, 1, 1)
    watching = Runner(services, database.db.obj, 1, 1)  # another process, looking meanwhile
    fake_spotify.delay_s = 0.5  # each call: the run takes about 2.5 s
    done = []

    def run() -> None:
        with database.db.obj.connection_context():
            done.append(running.run_pending())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        wait_until(lambda: executions(db_url, schedule["id"]), "the run never started")
        while thread.is_alive():
            with database.db.obj.connection_context():
                assert watching.run_pending() == 0
            status = only_execution(db_url, schedule["id"])["status"]
            assert status in ("running", "success"), "the live run was taken for a dead one"
            time.sleep(0.1)
    finally:
        thread.join(15)
        fake_spotify.delay_s = 0
    assert done == [1]
    run = only_execution(db_url, schedule["id"])
    assert (run["status"], run["error_message"]) == ("success", None), run
    assert len(fake_spotify.playlist_uris(target)) == 4


# --- What must not break the runner or a claim ----------------------------------------------


def test_deleting_a_schedule_while_it_runs_does_not_stop_the_runner(
    spotify_app, ada, fake_spotify, clock, db_url
):
    fake = fake_spotify
    tracks = [fake.track() for _ in range(3)]
    doomed_target = fake.add_playlist("ada", "Doomed", tracks[:1])
    later_target = fake.add_playlist("ada", "Later", tracks[:1])
    source = fake.add_playlist("ada", "Source", tracks)
    doomed = create(ada, raid_body(doomed_target, [source]))
    later = create(ada, raid_body(later_target, [source]))
    Schedule.update(next_run_at=T0 + timedelta(hours=7)).where(Schedule.id == later["id"]).execute()
    clock.now = T0 + timedelta(hours=6)
    runner = Runner(spotify_app.config["shuffify.services"], database.db.obj, 0.1, LEASE_S)
    fake.delay_s = 0.3
    runner.start()
    try:
        wait_until(
            lambda: [r for r in executions(db_url, doomed["id"]) if r["status"] == "running"],
            "the run never started",
        )
        assert fake.count("POST", items_path(doomed_target)) == 0  # still in progress
        assert ada.delete(f"/api/schedules/{doomed['id']}").status == 200
        fake.delay_s = 0
        wait_until(
            lambda: fake.count("POST", items_path(doomed_target)) == 1, "the run did not go on"
        )
        clock.now = T0 + timedelta(hours=7)
        runner.wake()

        def later_ran():
            assert runner._thread.is_alive(), "the runner thread died"
            return [r for r in executions(db_url, later["id"]) if r["status"] == "success"]

        wait_until(later_ran, "the next schedule never ran", timeout=15)
    finally:
        fake.delay_s = 0
        runner.stop(timeout=10)


def test_a_patch_while_another_process_claims_keeps_the_claim(
    ada, small_raid, clock, db_url, monkeypatch
):
    schedule, _, _ = small_raid
    due = make_due(clock, ada, schedule["id"])
    check_with_spotify = schedules.check_editable
    claimed = []

    def another_process_claims_meanwhile(*args):
        meta = check_with_spotify(*args)
        claimed.append(claim(clock(), timedelta(seconds=LEASE_S)))
        return meta

    monkeypatch.setattr(schedules, "check_editable", another_process_claims_meanwhile)
    response = ada.patch(f"/api/schedules/{schedule['id']}", {"target_playlist_name": "New"})
    monkeypatch.undo()
    assert response.status == 200, response.raw
    assert claimed and claimed[0] is not None and claimed[0][0].id == schedule["id"]
    row = schedule_row(db_url, schedule["id"])
    assert row["lease_until"] is not None, "the PATCH released another process's lease"
    assert as_datetime(row["next_run_at"]) == due + timedelta(hours=6)
    assert claim(clock(), timedelta(seconds=LEASE_S)) is None, "claimed twice at once"
    assert ada.get(f"/api/schedules/{schedule['id']}").json["target_playlist_name"] == "New"


def test_a_stored_schedule_the_api_would_refuse_does_not_stop_the_others(
    ada, small_raid, runner, clock, db_url
):
    """Rows from before the runner were never validated (the original accepted any value)."""
    schedule, target, source = small_raid
    user = ada.user_id
    for schedule_type, value, next_run_at in [
        ("interval", "every_2h", None),  # the runner computes a due time for these
        ("cron", "61 * * * *", T0),  # due before the good one
    ]:
        Schedule.create(
            user=user,
            job_type="raid",
            target_playlist_id=target,
            source_playlist_ids=[source],
            schedule_type=schedule_type,
            schedule_value=value,
            next_run_at=next_run_at,
        )
    make_due(clock, ada, schedule["id"])
    for _ in range(3):  # a few polls: the bad rows may cost one
        runner.run_pending()
    assert only_execution(db_url, schedule["id"])["status"] == "success"


@pytest.fixture
def pg_app(pg_url, make_settings, fake_spotify):
    application = create_app(make_settings(**spotify_settings(fake_spotify, DATABASE_URL=pg_url)))
    yield application
    database.close_database(database.db.obj)


def test_a_recovery_racing_a_claim_on_postgresql_never_releases_the_claim(
    pg_app, pg_url, fake_spotify
):
    """Two processes notice the same expired lease; one recovers it and claims the schedule
    again while the other's recovery, which read the row before, is still going."""
    clock = Clock(T0)
    pg_app.config["shuffify.services"].clock = clock
    fake_spotify.add_user("ada", "Ada")
    ada = SignedIn.through(Client(pg_app), fake_spotify, "ada")
    tracks = [fake_spotify.track() for _ in range(2)]
    target = fake_spotify.add_playlist("ada", "Target", tracks[:1])
    source = fake_spotify.add_playlist("ada", "Source", tracks)
    schedule = create(ada, raid_body(target, [source]))
    clock.now = T0 + timedelta(hours=7)  # due, and the lease of a dead run has passed
    Schedule.update(lease_until=clock.now - timedelta(seconds=1)).where(
        Schedule.id == schedule["id"]
    ).execute()
    dead = JobExecution.create(schedule=schedule["id"], status="running", started_at=T0)
    database.db.obj.close()

    holder = psycopg2.connect(pg_url)  # the first recovery, still holding the dead run's row
    slow = threading.Thread(target=slow_recovery, args=(clock(),), daemon=True)
    try:
        holder.cursor().execute("SELECT 1 FROM job_executions WHERE id = %s FOR UPDATE", (dead.id,))
        slow.start()
        wait_until(
            lambda: lock_waits(pg_url) == 1 or not slow.is_alive(),
            "the second recovery neither waited nor ended",
        )
        first = claim(clock(), timedelta(seconds=LEASE_S))  # the first process claims again
        holder.rollback()
        slow.join(15)
        assert not slow.is_alive()
    finally:
        holder.close()
    second = claim(clock(), timedelta(seconds=LEASE_S))  # any process, after the recovery
    claims = [c for c in (first, second) if c is not None]
    assert len(claims) == 1, "one schedule claimed twice at once"
    (claimed,) = claims
    assert claimed[0].id == schedule["id"]
    runs = {run["id"]: run["status"] for run in executions(pg_url, schedule["id"])}
    assert runs == {dead.id: "failed", claimed[1].id: "running"}
    assert schedule_row(pg_url, schedule["id"])["lease_until"] is not None


def slow_recovery(now: datetime) -> None:
    with database.db.obj.connection_context():
        recover_expired(now)


def lock_waits(url: str) -> int:
    (count,) = query(
        url,
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'",
    )[0]
    return count


# --- Real processes --------------------------------------------------------------------------


class Prepared:
    """Users signed in once (refresh tokens stored) and due raids inserted, in-process."""

    def __init__(self):
        self.schedule_ids: list[int] = []
        self.targets: dict[int, str] = {}
        self.new_track: dict[int, str] = {}
        self.held: dict[int, list[str]] = {}


def prepare(fake, url: str, make_settings, users: int, per_user: int) -> Prepared:
    """Sign users in with SECRET_KEY and insert per_user due raids each, adding 1 track."""
    prepared = Prepared()
    values = spotify_settings(fake, DATABASE_URL=url, SECRET_KEY=SECRET_KEY)
    values["APP_ENV"] = "development"  # migrated, as the processes expect
    app = create_app(make_settings(**values))
    try:
        due = utcnow() - timedelta(minutes=1)
        for number in range(users):
            spotify_id = f"user{number}"
            fake.add_user(spotify_id, spotify_id.title())
            user_id = SignedIn.through(Client(app), fake, spotify_id).user_id
            for _ in range(per_user):
                tracks = [fake.track() for _ in range(4)]
                target = fake.add_playlist(spotify_id, "Target", tracks[:3])
                source = fake.add_playlist(spotify_id, "Source", tracks[2:])
                schedule = Schedule.create(
                    user=user_id,
                    job_type="raid",
                    target_playlist_id=target,
                    source_playlist_ids=[source],
                    schedule_type="interval",
                    schedule_value="daily",
                    next_run_at=due,
                )
                prepared.schedule_ids.append(schedule.id)
                prepared.targets[schedule.id] = target
                prepared.held[schedule.id] = [t["uri"] for t in tracks[:3]]
                prepared.new_track[schedule.id] = tracks[3]["uri"]
    finally:
        database.close_database(database.db.obj)
    fake.reset_calls()
    return prepared


def process_settings(fake, url: str, **extra: str) -> dict[str, str]:
    port = free_port()
    return {
        **spotify_settings(fake),
        "APP_ENV": "development",
        "DATABASE_URL": url,
        "PORT": str(port),
        "SPOTIFY_REDIRECT_URI": f"http://127.0.0.1:{port}/callback",
        "SECRET_KEY": SECRET_KEY,
        "SCHEDULER_POLL_S": "1",
        "TZ": NOT_UTC,
        **extra,
    }


def status_counts(url: str) -> dict[str, int]:
    return dict(query(url, "SELECT status, count(*) FROM job_executions GROUP BY status"))


def leased(url: str) -> int:
    return query(url, "SELECT count(*) FROM schedules WHERE lease_until IS NOT NULL")[0][0]


def outputs(processes) -> str:
    return "\n".join(f"--- {p.output.name}:\n{p.text()[-3000:]}" for p in processes)


@pytest.mark.parametrize("replicas", [2, 4])
def test_replicas_started_at_once_run_each_due_schedule_exactly_once(
    target, fake_spotify, apps, make_settings, replicas
):
    app_url, direct_url = target
    prepared = prepare(fake_spotify, direct_url, make_settings, users=10, per_user=5)
    started = [
        apps(f"replica{i}", **process_settings(fake_spotify, app_url)) for i in range(replicas)
    ]
    for process in started:
        process.wait_for_health(timeout=DEADLINE_S)

    def all_ended():
        counts = status_counts(direct_url)
        ended = counts.get("success", 0) + counts.get("failed", 0)
        return ended >= 50 and set(counts) <= {"success", "failed"} and leased(direct_url) == 0

    wait_until(all_ended, lambda: f"runs: {status_counts(direct_url)}\n{outputs(started)}")
    failures = query(
        direct_url, "SELECT error_message FROM job_executions WHERE status <> 'success'"
    )
    assert failures == [], f"{Counter(failures)}\n{outputs(started)}"
    assert [p.process.poll() for p in started] == [None] * replicas, outputs(started)
    per_schedule = dict(
        query(direct_url, "SELECT schedule_id, count(*) FROM job_executions GROUP BY schedule_id")
    )
    not_once = {
        i: per_schedule.get(i, 0) for i in prepared.schedule_ids if per_schedule.get(i) != 1
    }
    assert not not_once, f"runs per schedule that did not run exactly once: {not_once}"
    assert set(per_schedule) == set(prepared.schedule_ids)
    rows = query(direct_url, "SELECT status, tracks_added, tracks_total FROM job_executions")
    assert Counter(rows) == Counter({("success", 1, 4): 50})
    writes = [c for c in fake_spotify.calls if c.method in ("POST", "PUT", "DELETE")]
    item_writes = [c for c in writes if c.path.startswith("/v1/")]
    assert len(item_writes) == 50 and {c.method for c in item_writes} == {"POST"}
    assert Counter(c.path for c in item_writes) == Counter(
        f"/v1/playlists/{target}/items" for target in prepared.targets.values()
    )
    for schedule_id, target in prepared.targets.items():
        expected = [*prepared.held[schedule_id], prepared.new_track[schedule_id]]
        assert fake_spotify.playlist_uris(target) == expected
    later = query(direct_url, "SELECT count(*) FROM schedules WHERE next_run_at > %s", utcnow())
    assert later == [(50,)]


def test_a_process_killed_mid_run_is_failed_by_another_and_the_schedule_runs_again_once(
    target, fake_spotify, apps, make_settings
):
    app_url, direct_url = target
    prepared = prepare(fake_spotify, direct_url, make_settings, users=1, per_user=1)
    (schedule_id,) = prepared.schedule_ids
    target = prepared.targets[schedule_id]
    fake_spotify.delay_s = 1.0  # every call takes a second: a run takes several
    settings = {"SCHEDULER_LEASE_S": "10", "PLAYLIST_LEASE_S": "5"}
    first = apps("first", **process_settings(fake_spotify, app_url, **settings))
    first.wait_for_health(timeout=DEADLINE_S)
    wait_until(
        lambda: [r for r in executions(direct_url, schedule_id) if r["status"] == "running"],
        lambda: f"no run started\n{outputs([first])}",
    )
    second = apps("second", **process_settings(fake_spotify, app_url, **settings))
    first.stop(signal.SIGKILL)  # in the middle of the run: nothing written yet
    assert fake_spotify.count("POST", items_path(target)) == 0
    fake_spotify.delay_s = 0
    second.wait_for_health(timeout=DEADLINE_S)

    (dead,) = wait_until(
        lambda: [r for r in executions(direct_url, schedule_id) if r["status"] == "failed"],
        lambda: f"the dead run was never failed\n{outputs([first, second])}",
    )
    assert dead["error_message"] == DIED and dead["completed_at"] is not None
    row = schedule_row(direct_url, schedule_id)
    assert (row["last_status"], row["last_error"], row["lease_until"]) == ("failed", DIED, None)
    assert as_datetime(row["next_run_at"]) > utcnow()  # the next due time, not at once
    assert len(executions(direct_url, schedule_id)) == 1

    query(
        direct_url,
        "UPDATE schedules SET next_run_at = %s WHERE id = %s",
        utcnow() - timedelta(seconds=1),
        schedule_id,
    )
    wait_until(
        lambda: (
            executions(direct_url, schedule_id)[-1]["status"] == "success"
            and leased(direct_url) == 0
        ),
        lambda: f"the schedule never ran again\n{outputs([second])}",
    )
    runs = executions(direct_url, schedule_id)
    assert [(r["status"], r["error_message"]) for r in runs] == [
        ("failed", DIED),
        ("success", None),
    ]
    assert fake_spotify.count("POST", items_path(target)) == 1
    expected = [*prepared.held[schedule_id], prepared.new_track[schedule_id]]
    assert fake_spotify.playlist_uris(target) == expected
    assert second.process.poll() is None, outputs([second])
