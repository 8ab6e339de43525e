"""A scheduled rule runs exactly once across replicas (issue 21): three real `python app.py`
processes on one database (SQLite file, PostgreSQL), one due "rule" schedule.

Exactly one schedule execution, one rule run and one write to the target; the target holds
the sources' items once each, in order.
"""

from collections import Counter
from datetime import timedelta

from app_processes import process_settings
from app_settings import spotify_settings
from direct import query
from polling import wait_until
from signed_in import SignedIn
from wsgi_client import Client

from shuffify import database
from shuffify.models import utcnow
from shuffify.web.app import create_app

SECRET_KEY = "replica-rules-secret-key-0123456789abcdef"
REPLICAS = 3


def prepare(fake, url: str, make_settings) -> tuple[int, str, list[str]]:
    """A due rule schedule of Ada's: (schedule id, target, the items it should append)."""
    values = spotify_settings(fake, DATABASE_URL=url, SECRET_KEY=SECRET_KEY, APP_ENV="development")
    app = create_app(make_settings(**values))
    try:
        fake.add_user("ada", "Ada")
        ada = SignedIn.through(Client(app), fake, "ada")
        items = [fake.track() for _ in range(6)]
        sources = [fake.add_playlist("ada", f"S{n}", items[n * 3 : n * 3 + 3]) for n in (0, 1)]
        target = fake.add_playlist("ada", "T", [])
        rule = ada.post(
            "/api/rules",
            {
                "name": "Both sources",
                "target_playlist_id": target,
                "sources": [{"type": "playlist", "playlist_id": s} for s in sources],
                "sink": {"mode": "append_new"},
            },
        )
        assert rule.status == 201, rule.raw
        body = {"job_type": "rule", "rule_id": rule.json["id"], "schedule_value": "daily"}
        schedule = ada.post("/api/schedules", body)
        assert schedule.status == 201, schedule.raw
    finally:
        database.close_database(database.db.obj)
    due = utcnow() - timedelta(minutes=1)
    query(url, "UPDATE schedules SET next_run_at = %s", due)
    return schedule.json["id"], target, [item["uri"] for item in items]


def test_a_scheduled_rule_runs_once_across_three_processes(
    db_url, fake_spotify, apps, make_settings
):
    schedule_id, target, expected = prepare(fake_spotify, db_url, make_settings)
    fake_spotify.reset_calls()
    started = [
        apps(
            f"replica{i}",
            **process_settings(fake_spotify, db_url, SECRET_KEY, SCHEDULER_POLL_S="1"),
        )
        for i in range(3)
    ]
    for process in started:
        process.wait_for_health()

    def ended() -> bool:
        sql = "SELECT status FROM job_executions WHERE schedule_id = %s"
        runs = query(db_url, sql, schedule_id)
        leased = query(db_url, "SELECT count(*) FROM schedules WHERE lease_until IS NOT NULL")
        return bool(runs) and runs[0][0] != "running" and leased == [(0,)]

    wait_until(ended, lambda: "\n".join(p.text()[-1500:] for p in started))
    executions = query(db_url, "SELECT status FROM job_executions")
    assert executions == [("success",)], executions
    assert query(db_url, "SELECT status, added FROM rule_runs") == [("success", 6)]
    writes = [c for c in fake_spotify.calls if c.method in ("POST", "PUT", "DELETE")]
    assert Counter(c.path for c in writes) == {f"/v1/playlists/{target}/items": 1}
    assert fake_spotify.playlist_uris(target) == expected
    assert [p.process.poll() for p in started] == [None] * REPLICAS
