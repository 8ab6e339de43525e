"""Migration 012_account (issue 23) on a database that already holds data, both backends.

The migrations before it are applied, then a user and a login session are
stored (written for the columns the schema has then); 012 then keeps every
row, gives the old session no device, makes user_settings and activity usable
(a row of each written and read back), and rolling it back drops them and the
column again, data kept.
"""

from direct import query, tables
from test_migrations import MIGRATIONS, columns, migrate_to, rollback

ACCOUNT = "012_account"
USERS = "SELECT id, spotify_id, display_name FROM users"


def insert_user(url: str) -> int:
    """A user row as the schema before 012 takes it (later columns may be NOT NULL)."""
    extra = {"needs_signin": False} if "needs_signin" in column_names(url, "users") else {}
    names = ", ".join(["spotify_id", "display_name", "created_at", "updated_at", *extra])
    marks = ", ".join(["%s"] * (4 + len(extra)))
    now = "2024-05-06 07:08:09"
    query(
        url,
        f"INSERT INTO users ({names}) VALUES ({marks})",
        "kept",
        "Kept",
        now,
        now,
        *extra.values(),
    )
    [(user_id,)] = query(url, "SELECT id FROM users WHERE spotify_id = 'kept'")
    return user_id


def column_names(url: str, table: str) -> set[str]:
    return {name for name, _type, _null in columns(url, table)}


def test_no_other_migration_shares_its_number():
    number = ACCOUNT.split("_")[0]
    assert [name for name in MIGRATIONS if name.startswith(f"{number}_")] == [ACCOUNT]


def test_012_upgrades_a_database_holding_data_and_keeps_it(db_url):
    before_account = MIGRATIONS[MIGRATIONS.index(ACCOUNT) - 1]
    migrate_to(db_url, before_account)
    user_id = insert_user(db_url)
    stored = query(db_url, USERS)
    query(
        db_url,
        "INSERT INTO login_sessions (id_hash, user_id, created_at, last_seen_at) "
        "VALUES ('h-1', %s, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        user_id,
    )
    assert ACCOUNT in migrate_to(db_url, ACCOUNT)
    assert query(db_url, USERS) == stored
    assert query(db_url, "SELECT id_hash, device FROM login_sessions") == [("h-1", None)]
    query(
        db_url,
        "INSERT INTO user_settings (user_id, timezone, theme, auto_snapshots_kept, "
        "keep_added_dates, updated_at) VALUES (%s, 'Europe/Paris', 'dark', 5, %s, "
        "CURRENT_TIMESTAMP)",
        user_id,
        True,
    )
    query(
        db_url,
        "INSERT INTO activity (user_id, at, kind, actor, summary) "
        "VALUES (%s, CURRENT_TIMESTAMP, 'sign-in', 'you', 'Signed in')",
        user_id,
    )
    assert query(db_url, "SELECT timezone, theme, auto_snapshots_kept FROM user_settings") == [
        ("Europe/Paris", "dark", 5)
    ]
    assert query(db_url, "SELECT kind, summary FROM activity") == [("sign-in", "Signed in")]
    rollback(db_url)
    assert not {"user_settings", "activity"} & tables(db_url)
    assert query(db_url, USERS) == stored
    assert query(db_url, "SELECT id_hash FROM login_sessions") == [("h-1",)]
