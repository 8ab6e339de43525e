"""settings.py: the only reader of the environment.

Covers APP_ENV, DATABASE_URL resolution (SQLite defaults, both PostgreSQL
schemes, sslmode in production, query parameters, refused URLs that must not
echo the password), mask_password, the numeric and enumerated settings, the
migration lock file and folder defaults, the Settings properties, that every
setting is documented, and that `python app.py` refuses a bad setting with one
line that names it.
"""

import re
import tempfile
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from processes import run_app

import settings

PASSWORD = "S3cretPw!"
ROOT = Path(settings.__file__).resolve().parent
PG_URL = f"postgresql://shuffify:{PASSWORD}@db.example.com:5432/shuffify"


def load(**values: str) -> settings.Settings:
    """settings.load() on exactly these variables, nothing from the machine."""
    return settings.load(values)


def refusal(**values: str) -> str:
    """The message load() refuses these variables with."""
    with pytest.raises(settings.SettingsError) as caught:
        load(**values)
    return str(caught.value)


def assert_one_line_naming(message: str, name: str) -> None:
    assert message.strip()
    assert "\n" not in message and "\r" not in message
    assert name in message


def query_of(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


# --- The environment is read here and nowhere else ------------------------------------


def test_no_other_application_module_reads_the_environment():
    sources = [
        ROOT / "app.py",
        *(ROOT / "shuffify").glob("*.py"),
        *(ROOT / "migrations").glob("*.py"),
    ]
    readers = [
        path.relative_to(ROOT).as_posix()
        for path in sources
        if re.search(r"os\.environ|getenv|dotenv", path.read_text())
    ]
    assert readers == []


def test_load_without_arguments_reads_the_process_environment(monkeypatch):
    for setting in settings.SETTINGS:
        monkeypatch.setenv(setting.name, "")
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("WAITRESS_THREADS", "9")
    loaded = settings.load()
    assert (loaded.app_env, loaded.port, loaded.threads) == ("production", 8123, 9)


def test_defaults_when_nothing_is_set():
    loaded = load()
    assert loaded.app_env == "development"
    assert loaded.host == "0.0.0.0"
    assert loaded.port == 8000
    assert loaded.threads == 4
    assert loaded.log_level == "INFO"
    assert loaded.api_token == ""


# --- APP_ENV ---------------------------------------------------------------------------


@pytest.mark.parametrize("app_env", ["development", "production", "testing", " production "])
def test_app_env_accepts_the_three_environments(app_env):
    assert load(APP_ENV=app_env).app_env == app_env.strip()


@pytest.mark.parametrize("app_env", ["prod", "Production", "staging", "test", "dev\nelopment"])
def test_app_env_refuses_anything_else_in_one_line_listing_the_choices(app_env):
    message = refusal(APP_ENV=app_env)
    assert_one_line_naming(message, "APP_ENV")
    for allowed in settings.ENVIRONMENTS:
        assert allowed in message


# --- DATABASE_URL: defaults -----------------------------------------------------------


@pytest.mark.parametrize(
    ("app_env", "expected"),
    [
        ("development", f"sqlite:///{settings.INSTANCE_DIR / 'shuffify_dev.db'}"),
        ("production", f"sqlite:///{settings.INSTANCE_DIR / 'shuffify.db'}"),
        ("testing", "sqlite:///:memory:"),
    ],
)
@pytest.mark.parametrize("raw", ["", "   "])
def test_empty_database_url_means_the_environments_sqlite_default(app_env, expected, raw):
    assert settings.resolve_database_url(raw, app_env) == expected
    assert load(APP_ENV=app_env, DATABASE_URL=raw).database_url == expected


def test_sqlite_default_files_are_absolute_paths_in_the_instance_folder():
    assert settings.INSTANCE_DIR == ROOT / "instance"
    for app_env in ("development", "production"):
        path = Path(load(APP_ENV=app_env).database_url.removeprefix("sqlite:///"))
        assert path.is_absolute()
        assert path.parent == settings.INSTANCE_DIR


# --- DATABASE_URL: PostgreSQL ---------------------------------------------------------


@pytest.mark.parametrize("app_env", ["development", "testing"])
@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_postgres_scheme_is_rewritten_to_postgresql(scheme, app_env):
    raw = f"{scheme}://shuffify:{PASSWORD}@db.example.com:5432/shuffify"
    assert settings.resolve_database_url(raw, app_env) == PG_URL
    assert load(APP_ENV=app_env, DATABASE_URL=raw).database_url == PG_URL


def test_both_schemes_resolve_to_the_same_url_in_production():
    resolved = {
        settings.resolve_database_url(f"{scheme}://u:pw@h:5432/db", "production")
        for scheme in ("postgres", "postgresql")
    }
    assert resolved == {"postgresql://u:pw@h:5432/db?sslmode=require"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [("sslmode", "require")]),
        ("application_name=shuffify", [("application_name", "shuffify"), ("sslmode", "require")]),
        ("sslmode=disable", [("sslmode", "disable")]),
        ("sslmode=verify-full", [("sslmode", "verify-full")]),
        ("sslmode=prefer&connect_timeout=5", [("sslmode", "prefer"), ("connect_timeout", "5")]),
    ],
)
def test_production_requires_ssl_unless_the_url_chooses_its_own_sslmode(query, expected):
    raw = PG_URL + (f"?{query}" if query else "")
    resolved = settings.resolve_database_url(raw, "production")
    assert resolved.split("?")[0] == PG_URL
    assert query_of(resolved) == expected


@pytest.mark.parametrize("app_env", ["development", "testing"])
@pytest.mark.parametrize("query", ["", "application_name=shuffify"])
def test_development_and_testing_never_add_sslmode(app_env, query):
    raw = PG_URL + (f"?{query}" if query else "")
    resolved = settings.resolve_database_url(raw, app_env)
    assert "sslmode" not in dict(query_of(resolved))
    assert resolved == raw


@pytest.mark.parametrize("app_env", settings.ENVIRONMENTS)
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("application_name=shuffify-web", [("application_name", "shuffify-web")]),
        ("connect_timeout=5", [("connect_timeout", "5")]),
        (
            "options=-c%20statement_timeout%3D5000",
            [("options", "-c statement_timeout=5000")],
        ),
        (
            "connect_timeout=5&application_name=a%20b&target_session_attrs=read-write",
            [
                ("connect_timeout", "5"),
                ("application_name", "a b"),
                ("target_session_attrs", "read-write"),
            ],
        ),
    ],
)
def test_other_query_parameters_pass_through_unchanged(app_env, query, expected):
    resolved = settings.resolve_database_url(f"{PG_URL}?{query}", app_env)
    assert [pair for pair in query_of(resolved) if pair[0] != "sslmode"] == expected


# --- DATABASE_URL: refused ------------------------------------------------------------

REFUSED_URLS = {
    "mysql scheme": f"mysql://shuffify:{PASSWORD}@db.example.com:3306/shuffify",
    "http scheme": f"http://shuffify:{PASSWORD}@db.example.com/shuffify",
    "no database name": f"postgresql://shuffify:{PASSWORD}@db.example.com",
    "empty database name": f"postgresql://shuffify:{PASSWORD}@db.example.com/",
    "nested database path": f"postgresql://shuffify:{PASSWORD}@db.example.com/a/b",
    "port not a number": f"postgresql://shuffify:{PASSWORD}@db.example.com:abc/shuffify",
    "unescaped slash": "postgresql://shuffify:S3cret/Pw!@db.example.com:5432/shuffify",
    "unescaped question mark": "postgresql://shuffify:2024?Summer@db.example.com/shuffify",
    "unescaped hash": "postgresql://shuffify:2024#Summer@db.example.com/shuffify",
    "libpq keyword string": f"host=db.example.com password={PASSWORD} dbname=shuffify",
    "password as query parameter": f"mysql://shuffify@db.example.com/shuffify?password={PASSWORD}",
}
# Each refused URL's password, and the part of it after a character that splits the URL.
SECRETS = {
    "unescaped slash": ["S3cret/Pw!", "Pw!"],
    "unescaped question mark": ["2024?Summer", "Summer"],
    "unescaped hash": ["2024#Summer", "Summer"],
}


@pytest.mark.parametrize("app_env", ["development", "production"])
@pytest.mark.parametrize("case", REFUSED_URLS)
def test_refused_database_url_gives_one_line_without_the_password(case, app_env):
    raw = REFUSED_URLS[case]
    with pytest.raises(settings.SettingsError) as caught:
        settings.resolve_database_url(raw, app_env)
    message = str(caught.value)
    assert_one_line_naming(message, "DATABASE_URL")
    for secret in SECRETS.get(case, [PASSWORD]):
        assert secret not in message
    assert refusal(APP_ENV=app_env, DATABASE_URL=raw) == message


@pytest.mark.parametrize("raw", ["sqlite://", "sqlite:///"])
def test_sqlite_url_without_a_file_is_refused(raw):
    assert_one_line_naming(refusal(DATABASE_URL=raw), "DATABASE_URL")


def test_sqlite_file_url_is_kept_as_given(tmp_path):
    raw = f"sqlite:///{tmp_path / 'app.db'}"
    assert settings.resolve_database_url(raw, "production") == raw


# --- mask_password --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        (
            f"postgresql://shuffify:{PASSWORD}@db.example.com:5432/shuffify?sslmode=require",
            "postgresql://shuffify:***@db.example.com:5432/shuffify?sslmode=require",
        ),
        (
            "postgresql://shuffify:S3cret%40Pw%2F@db.example.com/shuffify",
            "postgresql://shuffify:***@db.example.com/shuffify",
        ),
        (
            "postgresql://u%40corp:S3cretPw@[::1]:6432/app?application_name=x",
            "postgresql://u%40corp:***@[::1]:6432/app?application_name=x",
        ),
        (
            f"postgresql://shuffify@db.example.com/shuffify?password={PASSWORD}&sslmode=require",
            "postgresql://shuffify@db.example.com/shuffify?password=***&sslmode=require",
        ),
    ],
)
def test_mask_password_hides_only_the_password(url, masked):
    assert settings.mask_password(url) == masked


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://shuffify@db.example.com:5432/shuffify?sslmode=require",
        "postgresql://db.example.com/shuffify",
        "sqlite:////var/lib/shuffify/app.db",
        "sqlite:///:memory:",
    ],
)
def test_mask_password_leaves_a_url_without_password_unchanged(url):
    assert settings.mask_password(url) == url


# --- HOST, PORT, WAITRESS_THREADS, LOG_LEVEL ------------------------------------------


@pytest.mark.parametrize(
    ("name", "attribute", "raw", "value"),
    [
        ("PORT", "port", "1", 1),
        ("PORT", "port", " 8080 ", 8080),
        ("PORT", "port", "65535", 65535),
        ("WAITRESS_THREADS", "threads", "1", 1),
        ("WAITRESS_THREADS", "threads", "16", 16),
    ],
)
def test_numeric_settings_accept_whole_numbers_in_range(name, attribute, raw, value):
    assert getattr(load(**{name: raw}), attribute) == value


@pytest.mark.parametrize("name", ["PORT", "WAITRESS_THREADS"])
@pytest.mark.parametrize("raw", ["abc", "8.0", "0", "-1", "70000", "8000x", "0x1f", "²"])
def test_numeric_settings_refuse_other_values_in_one_line(name, raw):
    assert_one_line_naming(refusal(**{name: raw}), name)


@pytest.mark.parametrize("host", ["127.0.0.1", "::", "localhost"])
def test_host_is_kept(host):
    assert load(HOST=host).host == host


@pytest.mark.parametrize(("raw", "level"), [("DEBUG", "DEBUG"), ("warning", "WARNING")])
def test_log_level_accepts_the_known_levels_in_any_case(raw, level):
    assert load(LOG_LEVEL=raw).log_level == level


@pytest.mark.parametrize("raw", ["VERBOSE", "TRACE", "10"])
def test_log_level_refuses_unknown_levels_in_one_line(raw):
    message = refusal(LOG_LEVEL=raw)
    assert_one_line_naming(message, "LOG_LEVEL")
    for level in settings.LOG_LEVELS:
        assert level in message


# --- MIGRATION_LOCK_FILE and MIGRATIONS_DIR -------------------------------------------


def test_explicit_migration_lock_file_is_kept(tmp_path):
    lock = tmp_path / "locks" / "migrate.lock"
    assert load(MIGRATION_LOCK_FILE=str(lock)).migration_lock_file == lock


@pytest.mark.parametrize(
    "url",
    [
        PG_URL,
        "sqlite:///:memory:",
        "",  # the development SQLite default
    ],
)
def test_default_migration_lock_file_is_in_the_temp_dir_without_the_password(url):
    lock = load(DATABASE_URL=url).migration_lock_file
    assert lock.parent == Path(tempfile.gettempdir())
    assert PASSWORD not in str(lock)


@pytest.mark.parametrize(
    "other",
    [
        "postgresql://shuffify:pw@db.example.com:5432/other",
        "postgresql://shuffify:pw@db2.example.com:5432/shuffify",
        "postgresql://shuffify:pw@db.example.com:6432/shuffify",
        "sqlite:////tmp/shuffify.db",
    ],
)
def test_default_migration_lock_file_differs_between_databases(other):
    assert load(DATABASE_URL=PG_URL).migration_lock_file != (
        load(DATABASE_URL=other).migration_lock_file
    )


def test_default_migration_lock_file_ignores_the_password():
    other = PG_URL.replace(PASSWORD, "AnotherPw9")
    assert load(DATABASE_URL=PG_URL).migration_lock_file == (
        load(DATABASE_URL=other).migration_lock_file
    )


def test_migrations_dir_defaults_to_the_migrations_folder_here():
    assert load().migrations_dir == ROOT / "migrations"


def test_explicit_migrations_dir_is_kept(tmp_path):
    assert load(MIGRATIONS_DIR=str(tmp_path)).migrations_dir == tmp_path


# --- Settings properties ---------------------------------------------------------------


def test_database_display_masks_the_password():
    loaded = load(APP_ENV="production", DATABASE_URL=PG_URL.replace("postgresql", "postgres"))
    assert loaded.database_display == (
        "postgresql://shuffify:***@db.example.com:5432/shuffify?sslmode=require"
    )


# --- Documentation ----------------------------------------------------------------------


@pytest.mark.parametrize("name", [setting.name for setting in settings.SETTINGS])
def test_every_setting_is_documented_in_the_readme_and_env_example(name):
    readme = (ROOT / "README.md").read_text()
    env_example = (ROOT / ".env.example").read_text()
    assert f"`{name}`" in readme
    assert re.search(rf"^{name}=", env_example, re.MULTILINE)


# --- python app.py refuses a bad setting ------------------------------------------------

BAD_SETTINGS = {
    "DATABASE_URL mysql": ("DATABASE_URL", {"DATABASE_URL": REFUSED_URLS["mysql scheme"]}),
    "DATABASE_URL slash": ("DATABASE_URL", {"DATABASE_URL": REFUSED_URLS["unescaped slash"]}),
    "PORT": ("PORT", {"PORT": "70000"}),
    "APP_ENV": ("APP_ENV", {"APP_ENV": "staging"}),
    "WAITRESS_THREADS": ("WAITRESS_THREADS", {"WAITRESS_THREADS": "0"}),
}


@pytest.mark.parametrize("case", BAD_SETTINGS)
def test_app_refuses_a_bad_setting_with_one_line_naming_it(case, tmp_path):
    name, values = BAD_SETTINGS[case]
    # A valid password-bearing URL where DATABASE_URL is not the bad setting.
    values = {"DATABASE_URL": PG_URL, **values}
    code, output = run_app(tmp_path / "app.log", **values)
    lines = [line for line in output.splitlines() if line.strip()]
    assert code != 0
    assert len(lines) == 1, output
    assert name in lines[0]
    for secret in (PASSWORD, "S3cret/Pw!", "Pw!"):
        assert secret not in output
