"""Migration 013_pins (issue 20) on a database that already holds data, both backends: the
rows stored before it stay, playlist_pins takes a pin and gives it back, and rolling it back
drops only the new table, the rest kept.
"""

from direct import query, tables
from test_migrations import MIGRATIONS, columns, migrate_to, rollback

PINS = "013_pins"
USERS = "SELECT id, spotify_id, display_name FROM users"


def insert_user(url: str) -> int:
    """A user row as the schema before 013 takes it (needs_signin is NOT NULL since 010)."""
    now = "2024-05-06 07:08:09"
    assert "needs_signin" in [name for name, _, _ in columns(url, "users")]
    query(
        url,
        "INSERT INTO users (spotify_id, display_name, created_at, updated_at, needs_signin) "
        "VALUES ('kept', 'Kept', %s, %s, %s)",
        now,
        now,
        False,
    )
    [(user_id,)] = query(url, "SELECT id FROM users WHERE spotify_id = 'kept'")
    return user_id


def test_no_other_migration_shares_its_number():
    assert [name for name in MIGRATIONS if name.startswith("013_")] == [PINS]


def test_013_upgrades_a_database_holding_data_and_keeps_it(db_url):
    migrate_to(db_url, MIGRATIONS[MIGRATIONS.index(PINS) - 1])
    user_id = insert_user(db_url)
    stored = query(db_url, USERS)
    query(
        db_url,
        "INSERT INTO login_sessions (id_hash, user_id, created_at, last_seen_at) "
        "VALUES ('h-1', %s, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        user_id,
    )
    assert PINS in migrate_to(db_url, PINS)
    assert query(db_url, USERS) == stored
    assert query(db_url, "SELECT id_hash FROM login_sessions") == [("h-1",)]
    query(
        db_url,
        "INSERT INTO playlist_pins (user_id, playlist_id, uri, position, until, created_at) "
        "VALUES (%s, 'p1', 'spotify:track:a', 3, '2031-01-02', CURRENT_TIMESTAMP)",
        user_id,
    )
    [(uri, position, until)] = query(db_url, "SELECT uri, position, until FROM playlist_pins")
    assert (uri, position, str(until)) == ("spotify:track:a", 3, "2031-01-02")
    rollback(db_url)
    assert "playlist_pins" not in tables(db_url)
    assert query(db_url, USERS) == stored
    assert query(db_url, "SELECT id_hash FROM login_sessions") == [("h-1",)]
