"""Living within Spotify's limits (issue 22): shuffify.limits and what the app does with it.

On SQLite files and real PostgreSQL, against the real HTTP fake Spotify:

- Every call is counted in the database by feature and user; /api/status shows the rolling
  24 hours, the budget, the pause and the user's own count and sign-in.
- A 429 with a long Retry-After (or a quota message) pauses every call: the page answers 503
  with Retry-After and "Spotify has paused Shuffify until ..."; no further call reaches
  Spotify; a due run is postponed to the pause's end (not failed) and runs once afterwards.
- The budget: at 80% background runs are postponed ("postponed: daily call budget") while a
  page request still works.
- The six-month sign-in: a refresh token the fake ends six months after its sign-in answers
  invalid_grant; the token is discarded, the user needs to sign in, their schedule is held
  (not failed, not claimed again); signing in again releases it and it runs once.
- /metrics: 404 without METRICS_TOKEN, 401 without the right bearer token, and the text
  format with the figures, never a secret or a user's id.
"""

from datetime import datetime, timedelta

import pytest
from app_settings import T0, Clock, spotify_settings
from signed_in import SignedIn
from wsgi_client import Client

from shuffify import database
from shuffify.limits import budget, calls, pause
from shuffify.models import JobExecution, Schedule, SpotifyCallCount, User
from shuffify.scheduling.runner import Runner
from shuffify.web.app import create_app

QUOTA = {"error": {"status": 429, "message": "API rate limit exceeded: daily quota"}}
METRICS_TOKEN = "metrics-token-0123456789abcdef"


@pytest.fixture
def app_with_metrics(db_url, make_settings, fake_spotify):
    values = spotify_settings(fake_spotify, DATABASE_URL=db_url, METRICS_TOKEN=METRICS_TOKEN)
    application = create_app(make_settings(**values))
    application.config["shuffify.services"].clock = Clock(T0)
    fake_spotify.clock = lambda: application.config["shuffify.services"].clock()
    yield application
    database.close_database(database.db.obj)


@pytest.fixture
def ada(app_with_metrics, fake_spotify) -> SignedIn:
    fake_spotify.add_user("ada", "Ada")
    return SignedIn.through(Client(app_with_metrics), fake_spotify, "ada")


@pytest.fixture
def clock(app_with_metrics) -> Clock:
    return app_with_metrics.config["shuffify.services"].clock


@pytest.fixture
def runner(app_with_metrics) -> Runner:
    return Runner(app_with_metrics.config["shuffify.services"], database.db.obj, 1, 300)


def new_playlist(fake, count: int = 120) -> str:
    return fake.add_playlist("ada", "Mix", [fake.track() for _ in range(count)])


def due_shuffle(user_id: int, pid: str, now: datetime) -> Schedule:
    return Schedule.create(
        user=user_id,
        job_type="shuffle",
        target_playlist_id=pid,
        algorithm_name="basic",
        algorithm_params={},
        next_run_at=now - timedelta(minutes=1),
    )


def statuses(schedule: Schedule) -> list[tuple[str, str | None]]:
    runs = JobExecution.select().where(JobExecution.schedule == schedule).order_by(JobExecution.id)
    return [(run.status, run.error_message) for run in runs]


# --- Counting ---------------------------------------------------------------------------------


def test_every_call_is_counted_by_feature_and_user(ada, fake_spotify, app_with_metrics, clock):
    pid = new_playlist(fake_spotify)
    fake_spotify.reset_calls()
    assert ada.get(f"/api/playlists/{pid}").status == 200
    page_calls = fake_spotify.count(path_pattern="^/v1/")
    fake_spotify.reset_calls()
    assert ada.post(f"/api/playlists/{pid}/shuffle", {"algorithm": "basic"}).status == 200
    shuffle_calls = fake_spotify.count(path_pattern="^/v1/")
    assert page_calls >= 4 and shuffle_calls >= 2  # metadata + 3 pages; metadata + writes
    counted = calls.by_feature(clock())
    assert counted["page"] >= page_calls and counted["shuffle"] == shuffle_calls
    status = ada.get("/api/status").json
    assert status["spotify"]["calls_24h"] == calls.used(clock()) == sum(counted.values())
    assert status["spotify"]["budget"] == 2000 and status["spotify"]["paused_until"] is None
    assert status["you"]["calls_24h"] == status["spotify"]["calls_24h"]
    assert status["you"]["needs_signin"] is False
    expires = datetime.fromisoformat(status["you"]["signin_expires_at"])
    assert expires == clock() + timedelta(days=182)


def test_the_rolling_window_forgets_calls_older_than_a_day(app):
    user = User.create(spotify_id="counted")
    now = datetime(2031, 3, 4, 10, 30)
    calls.record(user.id, "page", 200, now - timedelta(hours=25))
    calls.record(user.id, "page", 200, now - timedelta(hours=2))
    calls.record(user.id, "page", 200, now - timedelta(hours=2))
    assert calls.used(now) == calls.used(now, user.id) == 2
    assert SpotifyCallCount.select().count() == 2  # one row per hour, user, feature, status


def test_a_deleted_users_calls_still_count_without_them(app):
    user = User.create(spotify_id="leaving")
    now = datetime(2031, 3, 4, 10, 30)
    calls.record(user.id, "page", 200, now)
    user.delete_instance()
    assert calls.used(now) == 1
    assert [row.user_id for row in SpotifyCallCount.select()] == [None]


# --- The pause --------------------------------------------------------------------------------


def test_a_long_retry_after_pauses_every_call_and_pages_say_until_when(ada, fake_spotify, clock):
    pid = new_playlist(fake_spotify)
    fake_spotify.fail_next("GET", "^/v1/playlists/", 429, count=100, retry_after=48925, body=QUOTA)
    answer = ada.get(f"/api/playlists/{pid}")
    until = clock() + timedelta(seconds=48925)
    assert answer.status == 503 and answer.headers["Retry-After"] == "48925"
    assert f"Spotify has paused Shuffify until {until:%Y-%m-%d %H:%M} UTC" in answer.raw.decode()
    fake_spotify.reset_calls()
    clock.now += timedelta(hours=1)
    again = ada.get(f"/api/playlists/{pid}")
    assert again.status == 503 and int(again.headers["Retry-After"]) == 48925 - 3600
    assert fake_spotify.count(path_pattern="^/v1/") == 0  # nothing reached Spotify
    assert ada.get("/api/status").json["spotify"]["paused_until"] == until.isoformat()


def test_a_quota_message_with_a_short_retry_after_still_pauses(ada, fake_spotify, clock):
    pid = new_playlist(fake_spotify)
    fake_spotify.fail_next("GET", "^/v1/playlists/", 429, count=10, retry_after=5, body=QUOTA)
    assert ada.get(f"/api/playlists/{pid}").status == 503
    assert pause.paused_until(clock()) == clock() + timedelta(seconds=pause.QUOTA_RETRY_AFTER_S)


def test_a_due_run_during_a_pause_is_postponed_then_runs_once(ada, fake_spotify, clock, runner):
    pid = new_playlist(fake_spotify)
    schedule = due_shuffle(ada.user_id, pid, clock())
    until = clock() + timedelta(hours=13)
    pause.pause(until, "test")
    assert runner.run_pending() == 1
    assert statuses(schedule) == [
        ("postponed", f"postponed: Spotify paused Shuffify until {until:%Y-%m-%d %H:%M} UTC")
    ]
    assert Schedule.get_by_id(schedule.id).next_run_at == until
    clock.now = until - timedelta(minutes=1)
    pause.forget_cache()
    assert runner.run_pending() == 0  # not retried in a loop
    clock.now = until + timedelta(hours=30)  # a day of runs missed meanwhile
    pause.forget_cache()
    assert runner.run_pending() == 1
    assert runner.run_pending() == 0  # the missed runs coalesce into one
    assert [status for status, _ in statuses(schedule)] == ["postponed", "success"]


# --- The budget -------------------------------------------------------------------------------


def test_background_runs_stop_at_80_percent_while_pages_still_work(
    ada, fake_spotify, clock, runner
):
    pid = new_playlist(fake_spotify)
    schedule = due_shuffle(ada.user_id, pid, clock())
    SpotifyCallCount.create(
        hour=calls.hour_of(clock()), user=None, feature="page", status=200, calls=1600
    )
    assert not budget.background_allowed(clock(), 2000)
    assert runner.run_pending() == 1
    assert statuses(schedule) == [("postponed", budget.POSTPONED)]
    assert Schedule.get_by_id(schedule.id).next_run_at > clock()
    fake_spotify.reset_calls()
    assert ada.get(f"/api/playlists/{pid}").status == 200  # people keep the last 20%
    assert fake_spotify.count(path_pattern="^/v1/") > 0


def test_under_80_percent_background_runs_go_ahead(ada, fake_spotify, clock, runner):
    pid = new_playlist(fake_spotify)
    schedule = due_shuffle(ada.user_id, pid, clock())
    SpotifyCallCount.create(
        hour=calls.hour_of(clock()), user=None, feature="page", status=200, calls=1500
    )
    assert runner.run_pending() == 1
    assert [status for status, _ in statuses(schedule)] == ["success"]


# --- The six-month sign-in --------------------------------------------------------------------


def test_an_ended_sign_in_holds_the_schedule_and_signing_in_again_releases_it(
    ada, fake_spotify, app_with_metrics, clock, runner
):
    pid = new_playlist(fake_spotify)
    schedule = due_shuffle(ada.user_id, pid, clock() + timedelta(days=190))
    clock.now += timedelta(days=190)  # past Spotify's six months: the refresh is refused
    fake_spotify.expire_access_tokens()
    assert runner.run_pending() == 1
    ((status, message),) = statuses(schedule)
    ended = (T0 + timedelta(days=182)).date()
    assert (status, message) == ("held", f"Spotify sign-in expired on {ended}: sign in again")
    user = User.get_by_id(ada.user_id)
    assert user.needs_signin and user.encrypted_refresh_token is None  # discarded, not retried
    row = Schedule.get_by_id(schedule.id)
    assert (row.last_status, row.consecutive_failures, row.is_enabled) == ("held", 0, True)
    fake_spotify.reset_calls()
    assert runner.run_pending() == 0  # held, not failed over and over
    assert fake_spotify.count() == 0

    SignedIn.through(Client(app_with_metrics), fake_spotify, "ada")
    assert not User.get_by_id(ada.user_id).needs_signin
    assert runner.run_pending() == 1
    assert [s for s, _ in statuses(schedule)] == ["held", "success"]


def test_pages_warn_from_14_days_before_the_sign_in_ends(ada, clock):
    assert ada.get("/api/status").json["you"]["signin_warning"] is False
    signed_in = clock() - timedelta(days=182 - 15)
    User.update(authorized_at=signed_in).where(User.id == ada.user_id).execute()
    assert ada.get("/api/status").json["you"]["signin_warning"] is False
    User.update(authorized_at=signed_in - timedelta(days=2)).where(User.id == ada.user_id).execute()
    assert ada.get("/api/status").json["you"]["signin_warning"] is True


# --- /metrics ---------------------------------------------------------------------------------


def test_metrics_needs_the_token_and_shows_no_secret_or_user(ada, fake_spotify, app_with_metrics):
    pid = new_playlist(fake_spotify)
    assert ada.post(f"/api/playlists/{pid}/shuffle", {"algorithm": "basic"}).status == 200
    client = Client(app_with_metrics)
    assert client.get("/metrics").status == 401
    wrong = client.request("GET", "/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status == 401
    answer = client.request("GET", "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert answer.status == 200 and answer.headers["Content-Type"].startswith("text/plain")
    text = answer.raw.decode()
    assert 'shuffify_spotify_calls{feature="shuffle",status="200"}' in text
    assert "shuffify_spotify_paused 0" in text and "shuffify_users_needing_signin 0" in text
    for secret in [*fake_spotify.issued_secrets(), METRICS_TOKEN, "ada", str(ada.user_id) + "}"]:
        assert secret not in text


def test_metrics_is_off_without_a_token(spotify_app):
    assert Client(spotify_app).get("/metrics").status == 404


def test_a_queued_rule_run_waits_while_paused_and_while_the_sign_in_has_ended(
    ada, fake_spotify, app_with_metrics, clock, runner
):
    source = new_playlist(fake_spotify, 3)
    target = fake_spotify.add_playlist("ada", "T", [])
    rule = ada.post(
        "/api/rules",
        {
            "name": "Copy",
            "target_playlist_id": target,
            "sources": [{"type": "playlist", "playlist_id": source}],
            "sink": {"mode": "append_new"},
        },
    ).json
    assert ada.post(f"/api/rules/{rule['id']}/run").status == 202
    pause.pause(clock() + timedelta(hours=2), "test")
    assert runner.run_pending() == 0
    User.update(needs_signin=True).where(User.id == ada.user_id).execute()
    clock.now += timedelta(hours=3)
    pause.forget_cache()
    assert runner.run_pending() == 0
    assert ada.get(f"/api/rules/{rule['id']}/runs").json["runs"][0]["status"] == "queued"
    User.update(needs_signin=False).where(User.id == ada.user_id).execute()
    assert runner.run_pending() == 1
    assert fake_spotify.playlist_uris(target) == fake_spotify.playlist_uris(source)
