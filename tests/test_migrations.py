"""The numbered migrations on real databases (SQLite and PostgreSQL).

Covers: migrating up builds exactly the schema of ../shared/seed/phase0-schema.md plus
002_login_sessions' table, read back from each database's own catalog (columns, types,
nullability, primary keys, indexes, foreign keys and their ON DELETE); the history table
and re-runs; rolling back to empty (and to 001 alone) and migrating again; the drift check
that fails when shuffify.models and migrations/ disagree; and the pw_migrate command line
(migrate, list, rollback, create --auto) run from the repo root, as the README tells a
developer to. Lists of migrations and tables come from migrations/ and models.MODELS, so
a later migration needs no edit here unless it changes the tables written out below.
"""

import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import peewee as pw
import psycopg2
import pytest
from direct import history, is_sqlite, query, tables
from peewee_migrate import Router
from peewee_migrate.router import compile_migrations, load_models

import settings as settings_module
from shuffify import database, models
from shuffify.schema import MIGRATION_FILE, apply_migrations

ROOT = Path(__file__).parents[1]
PW_MIGRATE = Path(sys.executable).parent / "pw_migrate"
CLI_TIMEOUT_S = 60
PHASE0_TABLES = ("users", "workshop_sessions", "upstream_sources", "schedules", "job_executions")
HISTORY = "migratehistory"
# Every numbered migration in migrations/, and every table the models declare: later
# migrations add to both, and the tests below follow without being edited.
MIGRATION_FILES = sorted(
    path.name for path in (ROOT / "migrations").iterdir() if MIGRATION_FILE.match(path.name)
)
MIGRATIONS = [name.removesuffix(".py") for name in MIGRATION_FILES]
ALL_TABLES = frozenset(model._meta.table_name for model in models.MODELS)

# --- The expected schema: ../shared/seed/phase0-schema.md, written once ----------------
# (column, type, nullable), in column order. Types in the spec's words; the catalogs'
# spellings follow in SQLITE_TYPES and pg_type().

SCHEMA = {
    "users": (
        ("id", "integer", False),
        ("spotify_id", "varchar(255)", False),
        ("display_name", "varchar(255)", True),
        ("email", "varchar(255)", True),
        ("profile_image_url", "varchar(1024)", True),
        ("encrypted_refresh_token", "text", True),
        ("created_at", "timestamp", False),
        ("updated_at", "timestamp", False),
    ),
    "workshop_sessions": (
        ("id", "integer", False),
        ("user_id", "integer", False),
        ("playlist_id", "varchar(255)", False),
        ("session_name", "varchar(255)", False),
        ("track_uris_json", "text", False),
        ("created_at", "timestamp", False),
        ("updated_at", "timestamp", False),
    ),
    "upstream_sources": (
        ("id", "integer", False),
        ("user_id", "integer", False),
        ("target_playlist_id", "varchar(255)", False),
        ("source_playlist_id", "varchar(255)", False),
        ("source_url", "varchar(1024)", True),
        ("source_type", "varchar(20)", False),
        ("source_name", "varchar(255)", True),
        ("created_at", "timestamp", False),
    ),
    "schedules": (
        ("id", "integer", False),
        ("user_id", "integer", False),
        ("job_type", "varchar(20)", False),
        ("target_playlist_id", "varchar(64)", False),
        ("target_playlist_name", "varchar(255)", True),
        ("source_playlist_ids", "json", True),
        ("algorithm_name", "varchar(64)", True),
        ("algorithm_params", "json", True),
        ("schedule_type", "varchar(10)", False),
        ("schedule_value", "varchar(100)", False),
        ("is_enabled", "boolean", False),
        ("last_run_at", "timestamp", True),
        ("last_status", "varchar(20)", True),
        ("last_error", "text", True),
        ("created_at", "timestamp", False),
        ("updated_at", "timestamp", False),
    ),
    "job_executions": (
        ("id", "integer", False),
        ("schedule_id", "integer", False),
        ("started_at", "timestamp", False),
        ("completed_at", "timestamp", True),
        ("status", "varchar(20)", False),
        ("tracks_added", "integer", True),
        ("tracks_total", "integer", True),
        ("error_message", "text", True),
    ),
    # 002_login_sessions
    "login_sessions": (
        ("id", "integer", False),
        ("id_hash", "varchar(64)", False),
        ("user_id", "integer", False),
        ("encrypted_access_token", "text", True),
        ("access_token_expires_at", "timestamp", True),
        ("created_at", "timestamp", False),
        ("last_seen_at", "timestamp", False),
    ),
}
# The tables whose schema is written out here, one by one, as of this migration.
TABLES = tuple(SCHEMA)
SCHEMA_MIGRATION = "002_login_sessions"
# Every index but the primary key's, as (columns, unique).
INDEXES = {
    "users": [(("spotify_id",), True)],
    "workshop_sessions": [
        (("user_id",), False),
        (("playlist_id",), False),
        (("user_id", "playlist_id"), False),
    ],
    "upstream_sources": [
        (("user_id",), False),
        (("target_playlist_id",), False),
        (("user_id", "target_playlist_id"), False),
    ],
    "schedules": [(("user_id",), False)],
    "job_executions": [(("schedule_id",), False)],
    "login_sessions": [(("id_hash",), True), (("user_id",), False)],
}
NAMED_INDEXES = {
    "ix_workshop_user_playlist": ("workshop_sessions", ("user_id", "playlist_id")),
    "ix_upstream_user_target": ("upstream_sources", ("user_id", "target_playlist_id")),
}
# (table, column) -> (referenced table, referenced column, ON DELETE)
FOREIGN_KEYS = {
    ("workshop_sessions", "user_id"): ("users", "id", "CASCADE"),
    ("upstream_sources", "user_id"): ("users", "id", "CASCADE"),
    ("schedules", "user_id"): ("users", "id", "NO ACTION"),
    ("job_executions", "schedule_id"): ("schedules", "id", "NO ACTION"),
    ("login_sessions", "user_id"): ("users", "id", "CASCADE"),
}

# SQLite keeps the declared type: peewee declares booleans INTEGER and JSON TEXT.
SQLITE_TYPES = {
    "integer": "INTEGER",
    "boolean": "INTEGER",
    "text": "TEXT",
    "json": "TEXT",
    "timestamp": "DATETIME",
}
PG_TYPES = {
    "integer": "integer",
    "boolean": "boolean",
    "text": "text",
    "json": "jsonb",
    "timestamp": "timestamp without time zone",
}
PG_ALIASES = {"json": "jsonb"}  # the spec allows either for the JSON columns


def sqlite_type(spec_type: str) -> str:
    return SQLITE_TYPES.get(spec_type, spec_type.upper())


def pg_type(spec_type: str) -> str:
    return PG_TYPES.get(spec_type, spec_type.replace("varchar", "character varying"))


# --- Reading the catalogs, on connections of their own ---------------------------------


def columns(url: str, table: str) -> list[tuple[str, str, bool]]:
    """(name, type as the catalog spells it, nullable) in column order."""
    if is_sqlite(url):
        info = query(url, f"PRAGMA table_info({table})")
        # An INTEGER PRIMARY KEY is the rowid: never NULL, whatever notnull says.
        return [(name, kind, not notnull and not pk) for _, name, kind, notnull, _, pk in info]
    info = query(
        url,
        "SELECT column_name, data_type, character_maximum_length, is_nullable "
        "FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s "
        "ORDER BY ordinal_position",
        table,
    )
    return [
        (name, f"{kind}({length})" if length else PG_ALIASES.get(kind, kind), null == "YES")
        for name, kind, length, null in info
    ]


def expected_columns(url: str, table: str) -> list[tuple[str, str, bool]]:
    spell = sqlite_type if is_sqlite(url) else pg_type
    return [(name, spell(kind), null) for name, kind, null in SCHEMA[table]]


def primary_key(url: str, table: str) -> tuple[tuple[str, ...], bool]:
    """(primary key columns, whether the database numbers new rows itself)."""
    if is_sqlite(url):
        info = query(url, f"PRAGMA table_info({table})")
        key = tuple(name for _, name, _, _, _, pk in sorted(info, key=lambda c: c[5]) if pk)
        # A single INTEGER PRIMARY KEY column is the rowid alias, numbered by SQLite.
        numbered = len(key) == 1 and [c[2] for c in info if c[1] == key[0]] == ["INTEGER"]
        return key, numbered
    key = query(
        url,
        "SELECT kcu.column_name FROM information_schema.table_constraints tc "
        "JOIN information_schema.key_column_usage kcu "
        "ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema "
        "WHERE tc.table_schema = 'public' AND tc.table_name = %s "
        "AND tc.constraint_type = 'PRIMARY KEY' ORDER BY kcu.ordinal_position",
        table,
    )
    [(default, identity)] = query(
        url,
        "SELECT column_default, is_identity FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = %s AND column_name = 'id'",
        table,
    )
    numbered = identity == "YES" or (default or "").startswith("nextval(")
    return tuple(name for (name,) in key), numbered


def indexes(url: str, table: str) -> dict[str, tuple[tuple[str, ...], bool]]:
    """Every index of table but the primary key's: name -> (columns, unique)."""
    if is_sqlite(url):
        found = {}
        for _, name, unique, origin, _ in query(url, f"PRAGMA index_list({table})"):
            if origin != "pk":
                info = sorted(query(url, f'PRAGMA index_info("{name}")'))
                found[name] = (tuple(column for _, _, column in info), bool(unique))
        return found
    found = query(
        url,
        "SELECT c.relname, ix.indisunique, ARRAY("
        "  SELECT a.attname::text FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)"
        "  JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum"
        "  ORDER BY k.ord) "
        "FROM pg_index ix JOIN pg_class c ON c.oid = ix.indexrelid "
        "WHERE ix.indrelid = %s::regclass AND NOT ix.indisprimary",
        f"public.{table}",
    )
    return {name: (tuple(cols), unique) for name, unique, cols in found}


def foreign_keys(url: str) -> dict[tuple[str, str], tuple[str, str, str]]:
    """(table, column) -> (referenced table, referenced column, ON DELETE) for all tables."""
    if is_sqlite(url):
        return {
            (table, column): (parent, parent_column, on_delete)
            for table in tables(url)
            for _, _, parent, column, parent_column, _, on_delete, _ in query(
                url, f"PRAGMA foreign_key_list({table})"
            )
        }
    found = query(
        url,
        "SELECT kcu.table_name, kcu.column_name, ccu.table_name, ccu.column_name, rc.delete_rule "
        "FROM information_schema.referential_constraints rc "
        "JOIN information_schema.key_column_usage kcu "
        "ON kcu.constraint_name = rc.constraint_name "
        "AND kcu.constraint_schema = rc.constraint_schema "
        "JOIN information_schema.constraint_column_usage ccu "
        "ON ccu.constraint_name = rc.constraint_name "
        "AND ccu.constraint_schema = rc.constraint_schema "
        "WHERE rc.constraint_schema = 'public'",
    )
    return {(t, c): (pt, pc, rule) for t, c, pt, pc, rule in found}


# --- Migrating in-process, as the app does ---------------------------------------------


def migrate(url: str, lock_file: Path) -> list[str]:
    """apply_migrations() on url with the settings' migrations folder; then let go of it."""
    current = settings_module.load({"DATABASE_URL": url, "MIGRATION_LOCK_FILE": str(lock_file)})
    db = database.build_database(current.database_url)
    try:
        return apply_migrations(db, current.migrations_dir, current.migration_lock_file)
    finally:
        database.close_database(db)


def migrate_to(url: str, last: str) -> list[str]:
    """Apply the migrations up to and including last (peewee-migrate's Router), no further."""
    db = database.build_database(url)
    try:
        with db.connection_context():
            return Router(db, migrate_dir=ROOT / "migrations").run(last)
    finally:
        database.close_database(db)


def rollback(url: str, count: int = 1) -> None:
    """Roll back the latest count migrations with peewee-migrate's Router."""
    db = database.build_database(url)
    try:
        with db.connection_context():
            for _ in range(count):
                Router(db, migrate_dir=ROOT / "migrations").rollback()
    finally:
        database.close_database(db)


def drift(url: str, model_list: list[type[pw.Model]]) -> str:
    """The migration peewee-migrate would generate to bring migrations/ to model_list."""
    db = database.build_database(url)
    try:
        with db.connection_context():
            router = Router(db, migrate_dir=ROOT / "migrations")
            return compile_migrations(router.migrator, model_list)
    finally:
        database.close_database(db)


def insert_sample_rows(url: str) -> list[tuple]:
    """One user with a workshop session and a schedule; returns what was stored."""
    now = "2024-05-06 07:08:09"
    query(
        url,
        "INSERT INTO users (spotify_id, display_name, created_at, updated_at) "
        "VALUES ('kept-user', 'Kept', %s, %s)",
        now,
        now,
    )
    [(user_id,)] = query(url, "SELECT id FROM users WHERE spotify_id = 'kept-user'")
    query(
        url,
        "INSERT INTO workshop_sessions "
        "(user_id, playlist_id, session_name, track_uris_json, created_at, updated_at) "
        "VALUES (%s, 'pl-1', 'edit', '[\"spotify:track:1\"]', %s, %s)",
        user_id,
        now,
        now,
    )
    query(
        url,
        "INSERT INTO schedules (user_id, job_type, target_playlist_id, schedule_type, "
        "schedule_value, is_enabled, created_at, updated_at) "
        "VALUES (%s, 'shuffle', 'pl-1', 'interval', 'daily', %s, %s, %s)",
        user_id,
        True,
        now,
        now,
    )
    return sample_rows(url)


def sample_rows(url: str) -> list[tuple]:
    return query(
        url,
        "SELECT u.spotify_id, w.track_uris_json, s.job_type FROM users u "
        "JOIN workshop_sessions w ON w.user_id = u.id JOIN schedules s ON s.user_id = u.id",
    )


def migrated_database(request, tmp_path_factory, bring_up):
    """A database brought up once by bring_up(url, tmp) on request.param's backend."""
    tmp = tmp_path_factory.mktemp("migrated")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'migrated.db'}"
        bring_up(url, tmp)
        yield url
        return
    server = request.getfixturevalue("postgres")
    name = f"test_migrated_{uuid.uuid4().hex[:12]}"
    url = server.create_database(name)
    try:
        bring_up(url, tmp)
        yield url
    finally:
        server.drop_database(name)


@pytest.fixture(scope="module", params=("sqlite", "postgresql"))
def migrated_url(request, tmp_path_factory):
    """A database with every migration applied, for the module's read-only tests."""
    yield from migrated_database(
        request, tmp_path_factory, lambda url, tmp: migrate(url, tmp / "lock")
    )


@pytest.fixture(scope="module", params=("sqlite", "postgresql"))
def schema_url(request, tmp_path_factory):
    """A database migrated up to SCHEMA_MIGRATION: the schema written out above, exactly.

    Later migrations may alter these tables; what they build is checked against the
    models (test_models_and_migrations_agree), not against this file.
    """
    yield from migrated_database(
        request, tmp_path_factory, lambda url, tmp: migrate_to(url, SCHEMA_MIGRATION)
    )


# --- The schema migrating up builds ----------------------------------------------------


def test_migrating_up_applies_every_migration_and_creates_exactly_the_models_tables(
    db_url, tmp_path
):
    assert MIGRATIONS[:2] == ["001_initial", "002_login_sessions"]
    assert migrate(db_url, tmp_path / "lock") == MIGRATIONS
    assert tables(db_url) == {*ALL_TABLES, HISTORY}
    assert set(TABLES) <= ALL_TABLES


@pytest.mark.parametrize("table", TABLES)
def test_columns_match_the_phase0_schema(schema_url, table):
    assert columns(schema_url, table) == expected_columns(schema_url, table)


@pytest.mark.parametrize("table", TABLES)
def test_every_table_has_a_numbered_integer_primary_key_id(schema_url, table):
    assert primary_key(schema_url, table) == (("id",), True)


@pytest.mark.parametrize("table", TABLES)
def test_indexes_match_the_phase0_schema(schema_url, table):
    assert sorted(indexes(schema_url, table).values()) == sorted(INDEXES[table])


@pytest.mark.parametrize(("name", "table_and_columns"), NAMED_INDEXES.items())
def test_composite_indexes_keep_their_names(schema_url, name, table_and_columns):
    table, composite = table_and_columns
    assert indexes(schema_url, table).get(name) == (composite, False)


def test_foreign_keys_and_their_on_delete_match_the_phase0_schema(schema_url):
    assert foreign_keys(schema_url) == FOREIGN_KEYS


def test_migrating_up_to_002_creates_exactly_the_tables_written_out_here(schema_url):
    assert tables(schema_url) == {*TABLES, HISTORY}
    assert [name for _, name, _ in history(schema_url)] == ["001_initial", SCHEMA_MIGRATION]


# --- History, re-runs, rollback --------------------------------------------------------


def test_history_records_each_migration_exactly_once_in_order(db_url, tmp_path):
    migrate(db_url, tmp_path / "lock")
    assert [name for _, name, _ in history(db_url)] == MIGRATIONS


def test_second_run_applies_nothing_and_keeps_existing_data(db_url, tmp_path):
    migrate_to(db_url, "001_initial")
    stored = insert_sample_rows(db_url)  # Phase 0 data: every later migration must keep it
    assert stored == [("kept-user", '["spotify:track:1"]', "shuffle")]
    assert migrate(db_url, tmp_path / "lock") == MIGRATIONS[1:]
    recorded = history(db_url)
    assert sample_rows(db_url) == stored
    assert migrate(db_url, tmp_path / "lock") == []
    assert history(db_url) == recorded
    assert sample_rows(db_url) == stored
    assert tables(db_url) == {*ALL_TABLES, HISTORY}


def test_rollback_to_empty_drops_every_table_and_migrating_again_recreates_them(db_url, tmp_path):
    migrate(db_url, tmp_path / "lock")
    built = {table: columns(db_url, table) for table in ALL_TABLES}
    rollback(db_url, count=len(MIGRATIONS))
    assert tables(db_url) == {HISTORY}
    assert history(db_url) == []
    assert migrate(db_url, tmp_path / "lock") == MIGRATIONS
    assert tables(db_url) == {*ALL_TABLES, HISTORY}
    assert [name for _, name, _ in history(db_url)] == MIGRATIONS
    assert {table: columns(db_url, table) for table in ALL_TABLES} == built


def test_rolling_back_to_001_drops_login_sessions_and_keeps_the_users(db_url, tmp_path):
    """002_login_sessions (and whatever came after it) rolls back without touching 001's data."""
    migrate_to(db_url, "001_initial")
    stored = insert_sample_rows(db_url)
    assert migrate(db_url, tmp_path / "lock") == MIGRATIONS[1:]
    built = {table: columns(db_url, table) for table in ALL_TABLES}
    rollback(db_url, count=len(MIGRATIONS) - 1)
    assert tables(db_url) == {*PHASE0_TABLES, HISTORY}
    assert [name for _, name, _ in history(db_url)] == ["001_initial"]
    assert sample_rows(db_url) == stored
    for table in PHASE0_TABLES:
        assert columns(db_url, table) == expected_columns(db_url, table)
    assert migrate(db_url, tmp_path / "lock") == MIGRATIONS[1:]
    assert {table: columns(db_url, table) for table in ALL_TABLES} == built
    assert sample_rows(db_url) == stored


# --- Drift: models against migrations --------------------------------------------------


def test_models_and_migrations_agree(migrated_url):
    """Fails when a model changes without a migration (or the reverse)."""
    assert sorted(m.__name__ for m in load_models("shuffify.models")) == sorted(
        m.__name__ for m in models.MODELS
    )
    assert drift(migrated_url, list(load_models("shuffify.models"))) == ""


def user_with_an_extra_field() -> tuple[type[pw.Model], type[pw.Model]]:
    class UserWithNickname(models.User):
        nickname = pw.CharField(max_length=64, null=True)

        class Meta:
            table_name = "users"

    return models.User, UserWithNickname


def schedule_with_a_longer_column() -> tuple[type[pw.Model], type[pw.Model]]:
    class ScheduleWithLongerTarget(models.Schedule):
        target_playlist_id = pw.CharField(max_length=255)

        class Meta:
            table_name = "schedules"

    return models.Schedule, ScheduleWithLongerTarget


@pytest.mark.parametrize(
    ("replace", "expected"),
    [
        (user_with_an_extra_field, ("add_fields", "nickname")),
        (schedule_with_a_longer_column, ("change_fields", "target_playlist_id")),
    ],
    ids=["extra-field", "longer-varchar"],
)
def test_drift_check_reports_a_model_that_differs_from_the_migrations(
    migrated_url, replace, expected
):
    original, changed = replace()
    model_list = [m for m in models.MODELS if m is not original] + [changed]
    diff = drift(migrated_url, model_list)
    for word in expected:
        assert word in diff


# --- The pw_migrate command line -------------------------------------------------------


def pw_migrate(*args: str) -> subprocess.CompletedProcess:
    """pw_migrate from the repo root; fails the test unless it exits 0."""
    result = subprocess.run(
        [str(PW_MIGRATE), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_S,
    )
    assert result.returncode == 0, f"pw_migrate {args[0]}: {result.stdout}{result.stderr}"
    return result


def test_cli_migrate_creates_the_tables(db_url):
    result = pw_migrate("migrate", "--database", db_url, "--directory", "migrations")
    for name in MIGRATIONS:
        assert f"- [x] {name}" in result.stdout
    assert tables(db_url) == {*ALL_TABLES, HISTORY}
    assert [name for _, name, _ in history(db_url)] == MIGRATIONS
    assert drift(db_url, list(load_models("shuffify.models"))) == ""  # exactly the models


def test_cli_accepts_a_postgres_scheme_url(pg_url):
    url = urlsplit(pg_url)._replace(scheme="postgres").geturl()
    assert url.startswith("postgres://")
    pw_migrate("migrate", "--database", url, "--directory", "migrations")
    assert tables(pg_url) == {*ALL_TABLES, HISTORY}


def test_cli_list_names_every_migration_as_done(migrated_url):
    result = pw_migrate("list", "--database", migrated_url, "--directory", "migrations")
    for name in MIGRATIONS:
        assert f"- [x] {name}" in result.stdout
    assert f"Done: {len(MIGRATIONS)}, Pending: 0" in result.stdout


def test_cli_rollback_drops_the_tables(db_url, tmp_path):
    migrate(db_url, tmp_path / "lock")
    count = str(len(MIGRATIONS))
    pw_migrate("rollback", "--count", count, "--database", db_url, "--directory", "migrations")
    assert tables(db_url) == {HISTORY}
    assert history(db_url) == []


def test_cli_create_auto_finds_no_changes_when_models_match(migrated_url, tmp_path):
    """How the next migration is made: on a migrated database it must find nothing to do."""
    copy = tmp_path / "migrations"
    shutil.copytree(ROOT / "migrations", copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = sorted(p.name for p in copy.iterdir())
    result = pw_migrate(
        "create",
        "--auto",
        "--auto-source",
        "shuffify.models",
        "--directory",
        str(copy),
        "--database",
        migrated_url,
        "next",
    )
    assert "No changes found" in result.stderr
    assert sorted(p.name for p in copy.iterdir()) == before == MIGRATION_FILES


# --- 006: unique upstream sources on a database that holds duplicates ----------------------


def test_006_keeps_the_oldest_of_duplicate_sources_then_refuses_new_duplicates(db_url, tmp_path):
    migrate_to(db_url, "005_scheduler")
    query(
        db_url,
        "INSERT INTO users (spotify_id, created_at, updated_at) VALUES ('dup', "
        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    )
    (user_id,) = query(db_url, "SELECT id FROM users WHERE spotify_id = 'dup'")[0]
    insert = (
        "INSERT INTO upstream_sources (user_id, target_playlist_id, source_playlist_id, "
        f"source_type, created_at) VALUES ({user_id}, 'target', '{{}}', 'own', CURRENT_TIMESTAMP)"
    )
    for source in ("a", "a", "b", "a"):
        query(db_url, insert.format(source))
    before = query(db_url, "SELECT id, source_playlist_id FROM upstream_sources ORDER BY id")
    assert migrate(db_url, tmp_path / "lock")[0] == "006_unique_sources"
    after = query(db_url, "SELECT id, source_playlist_id FROM upstream_sources ORDER BY id")
    assert after == [before[0], before[2]]  # the oldest "a" and the only "b"
    with pytest.raises((sqlite3.IntegrityError, psycopg2.IntegrityError)):
        query(db_url, insert.format("a"))


# --- 008: snapshots on a database that holds data ---------------------------------------------


def test_008_upgrades_a_database_holding_data_and_keeps_it(db_url):
    migrate_to(db_url, "001_initial")
    stored = insert_sample_rows(db_url)  # Phase 0 data, then a history row of 003's
    migrate_to(db_url, "007_playlist_claims")
    [(user_id,)] = query(db_url, "SELECT id FROM users WHERE spotify_id = 'kept-user'")
    query(
        db_url,
        "INSERT INTO playlist_histories (user_id, playlist_id, current_seq, pending_uris_json, "
        "updated_at) VALUES (%s, 'pl-1', 1, '[\"spotify:track:1\"]', CURRENT_TIMESTAMP)",
        user_id,
    )
    histories = "SELECT playlist_id, current_seq, pending_uris_json FROM playlist_histories"
    before = query(db_url, histories)
    assert migrate_to(db_url, "008_snapshots") == ["008_snapshots"]
    assert sample_rows(db_url) == stored
    assert query(db_url, histories) == before
    assert query(db_url, "SELECT pending_base FROM playlist_histories") == [(None,)]
    blob = psycopg2.Binary(b"\x01snapshot") if not is_sqlite(db_url) else b"\x01snapshot"
    query(
        db_url,
        "INSERT INTO playlist_snapshots (user_id, playlist_id, kind, item_count, uris, "
        "created_at) VALUES (%s, 'pl-1', 'manual', 1, %s, CURRENT_TIMESTAMP)",
        user_id,
        blob,
    )
    [(uris,)] = query(db_url, "SELECT uris FROM playlist_snapshots")
    assert bytes(uris) == b"\x01snapshot"
    rollback(db_url)
    assert "playlist_snapshots" not in tables(db_url)
    assert query(db_url, histories) == before and sample_rows(db_url) == stored


# --- 011: rules on a database that holds data ------------------------------------------------


def test_011_upgrades_a_database_holding_data_and_keeps_it(db_url, tmp_path):
    migrate_to(db_url, MIGRATIONS[MIGRATIONS.index("011_rules") - 1])
    extra = "needs_signin" in {name for name, _, _ in columns(db_url, "users")}
    query(
        db_url,
        "INSERT INTO users (spotify_id, created_at, updated_at"
        + (", needs_signin) " if extra else ") ")
        + "VALUES ('kept-user', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP"
        + (", %s)" if extra else ")"),
        *([False] if extra else []),
    )
    query(
        db_url,
        "INSERT INTO schedules (user_id, job_type, target_playlist_id, schedule_type, "
        "schedule_value, is_enabled, created_at, updated_at, consecutive_failures) "
        "SELECT id, 'shuffle', 'pl-1', 'interval', 'daily', %s, CURRENT_TIMESTAMP, "
        "CURRENT_TIMESTAMP, 0 FROM users",
        True,
    )
    query(
        db_url,
        "INSERT INTO job_executions (schedule_id, started_at, status, trigger) "
        "SELECT id, CURRENT_TIMESTAMP, 'success', 'schedule' FROM schedules",
    )
    kept = (
        "SELECT s.id, s.job_type, s.target_playlist_id, e.status FROM schedules s "
        "JOIN job_executions e ON e.schedule_id = s.id"
    )
    before = query(db_url, kept)
    assert migrate_to(db_url, "011_rules") == ["011_rules"]
    assert query(db_url, kept) == before and len(before) == 1
    assert query(db_url, "SELECT rule_id FROM schedules") == [(None,)]
    [(user_id,)] = query(db_url, "SELECT id FROM users WHERE spotify_id = 'kept-user'")
    query(
        db_url,
        "INSERT INTO rules (user_id, name, target_playlist_id, definition, created_at, "
        "updated_at) VALUES (%s, 'r', 'pl-1', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        user_id,
    )
    [(rule_id,)] = query(db_url, "SELECT id FROM rules")
    query(
        db_url,
        "INSERT INTO rule_inbox (rule_id, uri, artists, status, created_at) "
        "VALUES (%s, 'spotify:track:1', '[]', 'staged', CURRENT_TIMESTAMP)",
        rule_id,
    )
    with pytest.raises((sqlite3.IntegrityError, psycopg2.IntegrityError)):
        query(
            db_url,
            "INSERT INTO rule_inbox (rule_id, uri, artists, status, created_at) "
            "VALUES (%s, 'spotify:track:1', '[]', 'dismissed', CURRENT_TIMESTAMP)",
            rule_id,
        )
    rollback(db_url)
    assert not {"rules", "rule_runs", "rule_inbox"} & tables(db_url)
    assert query(db_url, kept) == before
    assert "rule_id" not in {name for name, _, _ in columns(db_url, "schedules")}


# --- 014: the snapshot listing's index, on a database that holds snapshots --------------------


def test_014_keeps_the_snapshots_and_lists_them_from_the_new_index(db_url):
    migrate_to(db_url, "013_pins")
    query(
        db_url,
        "INSERT INTO users (spotify_id, created_at, updated_at, needs_signin) "
        "VALUES ('kept-user', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, %s)",
        False,
    )
    [(user_id,)] = query(db_url, "SELECT id FROM users WHERE spotify_id = 'kept-user'")
    blob = psycopg2.Binary(b"\x01order") if not is_sqlite(db_url) else b"\x01order"
    for label in ("older", "newer"):
        query(
            db_url,
            "INSERT INTO playlist_snapshots (user_id, playlist_id, kind, label, item_count, uris, "
            "created_at) VALUES (%s, 'pl-1', 'manual', %s, 1, %s, CURRENT_TIMESTAMP)",
            user_id,
            label,
            blob,
        )
    kept = "SELECT id, label, item_count, uris FROM playlist_snapshots ORDER BY id"
    before = [(id_, label, count, bytes(uris)) for id_, label, count, uris in query(db_url, kept)]
    assert migrate_to(db_url, "014_snapshot_listing_index") == ["014_snapshot_listing_index"]
    after = [(id_, label, count, bytes(uris)) for id_, label, count, uris in query(db_url, kept)]
    assert after == before and len(after) == 2
    found = {cols for cols, _ in indexes(db_url, "playlist_snapshots").values()}
    assert ("user_id", "playlist_id", "created_at", "id") in found
    assert ("user_id", "playlist_id") not in found
    rollback(db_url)
    found = {cols for cols, _ in indexes(db_url, "playlist_snapshots").values()}
    assert ("user_id", "playlist_id") in found
    assert ("user_id", "playlist_id", "created_at", "id") not in found
