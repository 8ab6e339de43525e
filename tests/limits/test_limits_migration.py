"""Migration 010_spotify_limits on a database that already holds data, both backends.

A user with a login session, a schedule with a run and an undo history are stored under
008; 010 keeps every one of them (no table rebuilt under them: on SQLite a rebuilt users
table cascaded to the sessions), gives the user the sign-in time of their newest session
and needs_signin false; rolling it back keeps them too.
"""

from direct import query
from test_migrations import columns, migrate_to, rollback

STAMP = "2026-02-03 04:05:06"


def store_rows(url: str) -> None:
    query(
        url,
        "INSERT INTO users (spotify_id, created_at, updated_at) VALUES ('kept', %s, %s)",
        "2025-01-01 00:00:00",
        "2025-01-01 00:00:00",
    )
    [(user_id,)] = query(url, "SELECT id FROM users")
    for stamp in ("2025-06-01 00:00:00", STAMP):
        query(
            url,
            "INSERT INTO login_sessions (id_hash, user_id, created_at, last_seen_at) "
            "VALUES (%s, %s, %s, %s)",
            f"hash{stamp}",
            user_id,
            stamp,
            stamp,
        )
    query(
        url,
        "INSERT INTO schedules (user_id, job_type, target_playlist_id, schedule_type, "
        "schedule_value, is_enabled, created_at, updated_at, consecutive_failures) VALUES "
        "(%s, 'shuffle', 'p1', 'interval', 'daily', %s, %s, %s, 0)",
        user_id,
        True,
        STAMP,
        STAMP,
    )
    [(schedule_id,)] = query(url, "SELECT id FROM schedules")
    query(
        url,
        "INSERT INTO job_executions (schedule_id, started_at, status, trigger) "
        "VALUES (%s, %s, 'success', 'schedule')",
        schedule_id,
        STAMP,
    )


def counts(url: str) -> list[int]:
    tables = ("users", "login_sessions", "schedules", "job_executions")
    return [query(url, f"SELECT count(*) FROM {table}")[0][0] for table in tables]


def test_010_keeps_every_row_and_dates_the_sign_in_from_the_newest_session(db_url):
    migrate_to(db_url, "008_snapshots")
    store_rows(db_url)
    assert counts(db_url) == [1, 2, 1, 1]
    migrate_to(db_url, "010_spotify_limits")
    assert counts(db_url) == [1, 2, 1, 1]
    [(authorized_at, needs_signin)] = query(db_url, "SELECT authorized_at, needs_signin FROM users")
    assert str(authorized_at).startswith(STAMP) and not needs_signin
    names = [name for name, _, _ in columns(db_url, "users")]
    assert names[-2:] == ["authorized_at", "needs_signin"]

    rollback(db_url)
    assert counts(db_url) == [1, 2, 1, 1]
    assert "needs_signin" not in [name for name, _, _ in columns(db_url, "users")]
