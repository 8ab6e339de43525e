"""The models on real databases (SQLite and PostgreSQL, migrated as production is).

Covers column defaults, naive-UTC timestamps and updated_at on save, StrEnum and JSON
columns, to_dict() (never the refresh token), what deleting a user does to their rows
(login sessions included), the unique spotify_id and login session id_hash, and
WorkshopSession.track_uris. Every value is checked by reading
the row back from the database, never from the object that wrote it.
"""

import json
import uuid
from datetime import UTC, datetime

import peewee as pw
import pytest

from shuffify import database
from shuffify.models import (
    IntervalValue,
    JobExecution,
    JobType,
    LoginSession,
    Schedule,
    ScheduleType,
    UpstreamSource,
    User,
    WorkshopSession,
)
from shuffify.schema import prepare_schema

OLD = datetime(2001, 2, 3, 4, 5, 6, 789000)


@pytest.fixture
def db(db_url, make_settings):
    """The models bound to a fresh database that the migrations built."""
    bound = database.init_database(db_url)
    prepare_schema(bound, make_settings(DATABASE_URL=db_url))
    yield bound
    database.close_database(bound)


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def rows(db: pw.Database, sql: str, *params) -> list[tuple]:
    """Rows of raw SQL written with %s placeholders, on either backend."""
    return list(db.execute_sql(sql.replace("%s", db.param), params).fetchall())


def fresh(row: pw.Model) -> pw.Model:
    """The row as a new SELECT returns it."""
    return type(row).get_by_id(row.id)


def make_user(spotify_id: str = "spotify-user-1", **fields) -> User:
    return User.create(spotify_id=spotify_id, **fields)


def make_schedule(user: User, **fields) -> Schedule:
    fields.setdefault("job_type", JobType.SHUFFLE)
    return Schedule.create(user=user, target_playlist_id="37i9dQZF1DX0XUsuxWHRQd", **fields)


def make_session(user: User, playlist_id: str = "pl-1") -> WorkshopSession:
    return WorkshopSession.create(
        user=user, playlist_id=playlist_id, session_name="Sunday edit", track_uris_json="[]"
    )


def make_source(user: User, target: str = "pl-1") -> UpstreamSource:
    return UpstreamSource.create(user=user, target_playlist_id=target, source_playlist_id="src-1")


# --- Defaults -------------------------------------------------------------------------


def test_schedule_defaults_are_stored(db):
    schedule = fresh(make_schedule(make_user()))
    assert schedule.schedule_type == "interval"
    assert schedule.schedule_value == "daily"
    assert schedule.is_enabled is True
    assert schedule.source_playlist_ids == []
    assert schedule.algorithm_params == {}
    assert rows(db, "SELECT schedule_type, schedule_value FROM schedules") == [
        ("interval", "daily")
    ]


def test_upstream_source_type_defaults_to_external(db):
    assert fresh(make_source(make_user())).source_type == "external"


def test_job_execution_starts_running_with_no_tracks_added(db):
    execution = JobExecution.create(schedule=make_schedule(make_user()))
    stored = fresh(execution)
    assert stored.status == "running"
    assert stored.tracks_added == 0
    assert stored.tracks_total is None
    assert stored.completed_at is None


@pytest.mark.parametrize(
    ("create", "columns"),
    [
        pytest.param(lambda: make_user(), ("created_at", "updated_at"), id="users"),
        pytest.param(
            lambda: make_session(make_user()), ("created_at", "updated_at"), id="workshop_sessions"
        ),
        pytest.param(lambda: make_source(make_user()), ("created_at",), id="upstream_sources"),
        pytest.param(
            lambda: make_schedule(make_user()), ("created_at", "updated_at"), id="schedules"
        ),
        pytest.param(
            lambda: JobExecution.create(schedule=make_schedule(make_user())),
            ("started_at",),
            id="job_executions",
        ),
    ],
)
def test_timestamps_default_to_naive_utc_now(db, create, columns):
    before = now()
    row = create()
    after = now()
    stored = fresh(row)
    for column in columns:
        value = getattr(stored, column)
        assert isinstance(value, datetime), column
        assert value.tzinfo is None, column
        assert before <= value <= after, column


# --- StrEnums and JSON ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "enum"),
    [("job_type", JobType), ("schedule_type", ScheduleType), ("schedule_value", IntervalValue)],
)
def test_str_enums_are_stored_as_their_string_values(db, column, enum):
    user = make_user()
    ids = [make_schedule(user, **{column: member}).id for member in enum]
    values = [member.value for member in enum]
    assert rows(db, f"SELECT {column} FROM schedules ORDER BY id") == [(v,) for v in values]
    read_back = [getattr(Schedule.get_by_id(i), column) for i in ids]
    assert read_back == values
    assert {type(value) for value in read_back} == {str}


JSON_VALUES = [
    pytest.param([], id="empty-list"),
    pytest.param({}, id="empty-object"),
    pytest.param(["37i9dQZF1DXcBWIGoYBM5M", "spotify:playlist:0vvXsWCC9xrXsKd4FyS8kM"], id="list"),
    pytest.param(
        {"weights": {"recent": 0.75, "old": [1, 2, [3, {"deep": None}]]}, "keep_first": True},
        id="nested",
    ),
    pytest.param({"name": "Ünïcødé ♫ 日本語 🎵", "tags": ["ñandú", "€"]}, id="unicode"),
    pytest.param([[], [[]], {"": ""}, {"a": {}}], id="nested-empties"),
]


@pytest.mark.parametrize("value", JSON_VALUES)
def test_json_columns_round_trip(db, value):
    schedule = make_schedule(make_user(), source_playlist_ids=value, algorithm_params=value)
    stored = fresh(schedule)
    assert stored.source_playlist_ids == value
    assert stored.algorithm_params == value
    [raw_row] = rows(
        db,
        "SELECT source_playlist_ids, algorithm_params FROM schedules WHERE id = %s",
        schedule.id,
    )
    # SQLite keeps JSON as text; psycopg2 decodes jsonb itself.
    assert [json.loads(raw) if isinstance(raw, str) else raw for raw in raw_row] == [value, value]


def test_json_columns_are_jsonb_on_postgresql(pg_url, make_settings):
    bound = database.init_database(pg_url)
    try:
        prepare_schema(bound, make_settings(DATABASE_URL=pg_url))
        types = rows(
            bound,
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'schedules' AND data_type IN ('json', 'jsonb') "
            "ORDER BY column_name",
        )
    finally:
        database.close_database(bound)
    assert [name for name, _ in types] == ["algorithm_params", "source_playlist_ids"]


# --- updated_at -----------------------------------------------------------------------


def change_something(row: pw.Model) -> pw.Field:
    """Change one ordinary column of row; return its field."""
    field = {User: User.email, WorkshopSession: WorkshopSession.session_name}.get(
        type(row), Schedule.last_status
    )
    setattr(row, field.name, f"changed-{uuid.uuid4().hex[:8]}")
    return field


@pytest.mark.parametrize(
    "create",
    [
        pytest.param(lambda: make_user(), id="users"),
        pytest.param(lambda: make_session(make_user()), id="workshop_sessions"),
        pytest.param(lambda: make_schedule(make_user()), id="schedules"),
    ],
)
@pytest.mark.parametrize("only_changed", [False, True], ids=["save", "save-only-changed"])
def test_updated_at_is_refreshed_on_every_save(db, create, only_changed):
    row = create()
    model = type(row)
    created_at = fresh(row).created_at
    for _ in range(2):
        model.update(updated_at=OLD).where(model.id == row.id).execute()
        row = fresh(row)
        assert row.updated_at == OLD
        field = change_something(row)
        before = now()
        if only_changed:
            row.save(only=[field])
        else:
            row.save()
        after = now()
        stored = fresh(row)
        assert before <= stored.updated_at <= after
        assert stored.created_at == created_at
        assert getattr(stored, field.name) == getattr(row, field.name)


# --- to_dict --------------------------------------------------------------------------

# The Phase 0 columns each to_dict() must have; a later migration may add columns, which
# to_dict() then carries too (every column of the table but the private ones).
EXPECTED_KEYS = {
    "users": {
        "id",
        "spotify_id",
        "display_name",
        "email",
        "profile_image_url",
        "created_at",
        "updated_at",
    },
    "workshop_sessions": {
        "id",
        "user_id",
        "playlist_id",
        "session_name",
        "track_uris_json",
        "created_at",
        "updated_at",
    },
    "upstream_sources": {
        "id",
        "user_id",
        "target_playlist_id",
        "source_playlist_id",
        "source_url",
        "source_type",
        "source_name",
        "created_at",
    },
    "schedules": {
        "id",
        "user_id",
        "job_type",
        "target_playlist_id",
        "target_playlist_name",
        "source_playlist_ids",
        "algorithm_name",
        "algorithm_params",
        "schedule_type",
        "schedule_value",
        "is_enabled",
        "last_run_at",
        "last_status",
        "last_error",
        "created_at",
        "updated_at",
    },
    "job_executions": {
        "id",
        "schedule_id",
        "started_at",
        "completed_at",
        "status",
        "tracks_added",
        "tracks_total",
        "error_message",
    },
}
SECRET_TOKEN = "gAAAAABk-encrypted-refresh-token"


def one_of_each() -> dict[str, pw.Model]:
    """One fully filled row per table, read back fresh."""
    user = make_user(
        display_name="Ada",
        email="ada@example.com",
        profile_image_url="https://i.scdn.co/image/ab67",
        encrypted_refresh_token=SECRET_TOKEN,
    )
    schedule = make_schedule(
        user,
        target_playlist_name="Focus",
        source_playlist_ids=["a", "b"],
        algorithm_name="weighted",
        algorithm_params={"seed": 7},
        last_run_at=datetime(2024, 5, 6, 7, 8, 9, 123456),
        last_status="success",
        last_error="none",
    )
    created = {
        "users": user,
        "workshop_sessions": make_session(user),
        "upstream_sources": make_source(user),
        "schedules": schedule,
        "job_executions": JobExecution.create(
            schedule=schedule, completed_at=datetime(2024, 5, 6, 7, 9), status="success"
        ),
    }
    return {table: fresh(row) for table, row in created.items()}


FOREIGN_KEYS = {
    "workshop_sessions": ("user_id", "users"),
    "upstream_sources": ("user_id", "users"),
    "schedules": ("user_id", "users"),
    "job_executions": ("schedule_id", "schedules"),
}


@pytest.mark.parametrize("table", EXPECTED_KEYS)
def test_to_dict_has_every_column_with_iso_timestamps_and_fk_ids(db, table):
    rows_by_table = one_of_each()
    row = rows_by_table[table]
    data = row.to_dict()
    assert EXPECTED_KEYS[table] <= set(data)
    assert set(data) == {f.column_name for f in row._meta.sorted_fields} - {
        row._meta.fields[name].column_name for name in row.PRIVATE_FIELDS
    }
    assert data["id"] == row.id
    if table in FOREIGN_KEYS:
        fk, parent = FOREIGN_KEYS[table]
        assert data[fk] == rows_by_table[parent].id
    for key, value in data.items():
        stored = getattr(row, key)
        if isinstance(stored, datetime):
            assert datetime.fromisoformat(value) == stored, key
        else:
            assert value == stored, key
    assert json.loads(json.dumps(data)) == data


def test_to_dict_never_exposes_the_encrypted_refresh_token(db):
    user = one_of_each()["users"]
    assert user.encrypted_refresh_token == SECRET_TOKEN
    data = user.to_dict()
    assert "encrypted_refresh_token" not in data
    assert SECRET_TOKEN not in json.dumps(data)


# --- Deleting users -------------------------------------------------------------------


def count(db: pw.Database, table: str, user_id: int) -> int:
    [(n,)] = rows(db, f"SELECT COUNT(*) FROM {table} WHERE user_id = %s", user_id)
    return n


def make_login_session(user: User, id_hash: str | None = None) -> LoginSession:
    return LoginSession.create(user=user, id_hash=id_hash or uuid.uuid4().hex * 2)


def test_deleting_a_user_removes_their_sessions_and_sources(db):
    gone, kept = make_user("gone"), make_user("kept")
    for user in (gone, kept):
        for playlist_id in ("pl-1", "pl-2"):
            make_session(user, playlist_id)
            make_source(user, playlist_id)
            make_login_session(user)
    with db.atomic():
        gone.delete_instance()
    assert rows(db, "SELECT spotify_id FROM users") == [("kept",)]
    for table in ("workshop_sessions", "upstream_sources", "login_sessions"):
        assert count(db, table, gone.id) == 0, table
        assert count(db, table, kept.id) == 2, table


def test_deleting_a_user_with_raw_sql_removes_their_login_sessions(db):
    """ON DELETE CASCADE is in the schema itself, not only in peewee's delete_instance."""
    gone, kept = make_user("gone"), make_user("kept")
    make_login_session(gone)
    make_login_session(kept)
    db.execute_sql(f"DELETE FROM users WHERE id = {db.param}", (gone.id,))
    assert count(db, "login_sessions", gone.id) == 0
    assert count(db, "login_sessions", kept.id) == 1


def test_login_session_timestamps_default_to_now_and_the_token_may_be_empty(db):
    before = now()
    session = fresh(make_login_session(make_user()))
    after = now()
    assert before <= session.created_at <= after
    assert before <= session.last_seen_at <= after
    assert session.encrypted_access_token is None
    assert session.access_token_expires_at is None


def test_deleting_a_user_with_schedules_fails_and_keeps_everything(db):
    user = make_user()
    make_schedule(user)
    make_session(user)
    with pytest.raises(pw.IntegrityError), db.atomic():
        user.delete_instance()
    assert rows(db, "SELECT id FROM users") == [(user.id,)]
    assert count(db, "schedules", user.id) == 1
    assert count(db, "workshop_sessions", user.id) == 1


def test_deleting_a_schedule_with_executions_fails(db):
    schedule = make_schedule(make_user())
    JobExecution.create(schedule=schedule)
    with pytest.raises(pw.IntegrityError), db.atomic():
        schedule.delete_instance()
    assert rows(db, "SELECT schedule_id FROM job_executions") == [(schedule.id,)]


# --- Unique spotify_id, track_uris ----------------------------------------------------


def test_second_user_with_the_same_spotify_id_is_refused(db):
    first = make_user("dup-id", display_name="first")
    with pytest.raises(pw.IntegrityError), db.atomic():
        User.create(spotify_id="dup-id", display_name="second")
    assert rows(db, "SELECT id, display_name FROM users WHERE spotify_id = %s", "dup-id") == [
        (first.id, "first")
    ]


def test_second_login_session_with_the_same_id_hash_is_refused(db):
    first = make_login_session(make_user("first"), "a" * 64)
    with pytest.raises(pw.IntegrityError), db.atomic():
        make_login_session(make_user("second"), "a" * 64)
    assert rows(db, "SELECT id FROM login_sessions") == [(first.id,)]


@pytest.mark.parametrize(
    "uris",
    [
        [],
        ("spotify:track:4uLU6hMCjMI75M1A2tKUQC", "spotify:track:1", "spotify:track:1"),
        ["spotify:local:Ärtist:Álbum:Tïtle:215"],
    ],
    ids=["empty", "tuple-with-repeat", "unicode"],
)
def test_workshop_track_uris_round_trip_through_track_uris_json(db, uris):
    session = WorkshopSession(user=make_user(), playlist_id="pl-1", session_name="edit")
    session.track_uris = uris
    session.save()
    stored = fresh(session)
    assert stored.track_uris == list(uris)
    assert json.loads(stored.track_uris_json) == list(uris)
    [(raw,)] = rows(db, "SELECT track_uris_json FROM workshop_sessions WHERE id = %s", session.id)
    assert json.loads(raw) == list(uris)
