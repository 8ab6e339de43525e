"""settings.py: the only reader of the environment.

Covers APP_ENV, DATABASE_URL resolution (SQLite defaults, both PostgreSQL
schemes, sslmode in production, query parameters, refused URLs that must not
echo the password), mask_password, the numeric and enumerated settings, the
migration lock file and folder defaults, the Settings properties, the sign-in
settings (SPOTIFY_*, SECRET_KEY and its fallbacks, the development key kept in
instance/), the scheduler's settings, that every setting is documented, and
that `python app.py` refuses a bad setting with one line that names it.
"""

import re
import stat
import tempfile
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from processes import run_app

import settings

PASSWORD = "S3cretPw!"
ROOT = Path(settings.__file__).resolve().parent
PG_URL = f"postgresql://shuffify:{PASSWORD}@db.example.com:5432/shuffify"
INSTANCE_DIR = ROOT / "instance"  # the real one; tests run with settings.INSTANCE_DIR elsewhere
CLIENT_ID = "0123456789abcdef0123456789abcdef"
CLIENT_SECRET = "fedcba9876543210fedcba9876543210"
SECRET_KEY = "k" * 20 + "-root-secret-0123456789"
SIGN_IN = {"SPOTIFY_CLIENT_ID": CLIENT_ID, "SPOTIFY_CLIENT_SECRET": CLIENT_SECRET}


@pytest.fixture(autouse=True)
def own_instance_dir(tmp_path, monkeypatch):
    """Development without SECRET_KEY keeps a key in INSTANCE_DIR: here, never the checkout's."""
    folder = tmp_path / "instance"
    monkeypatch.setattr(settings, "INSTANCE_DIR", folder)
    return folder


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
    assert loaded.spotify_client_id == ""
    assert loaded.spotify_client_secret == ""
    assert not loaded.signin_enabled
    assert loaded.spotify_redirect_uri == "http://127.0.0.1:8000/callback"
    assert loaded.spotify_accounts_url == "https://accounts.spotify.com"
    assert loaded.spotify_api_url == "https://api.spotify.com/v1"
    # development without SECRET_KEY: a key kept in instance/secret_key
    assert len(loaded.secret_key) >= settings.MIN_SECRET_KEY_LENGTH
    assert loaded.secret_key_fallbacks == ()
    assert loaded.scheduler_enabled is True
    assert loaded.scheduler_poll_s == 30
    assert loaded.scheduler_lease_s == 300
    assert not hasattr(loaded, "api_token")


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
        ("development", f"sqlite:///{INSTANCE_DIR / 'shuffify_dev.db'}"),
        ("production", f"sqlite:///{INSTANCE_DIR / 'shuffify.db'}"),
        ("testing", "sqlite:///:memory:"),
    ],
)
@pytest.mark.parametrize("raw", ["", "   "])
def test_empty_database_url_means_the_environments_sqlite_default(app_env, expected, raw):
    assert settings.resolve_database_url(raw, app_env) == expected
    assert load(APP_ENV=app_env, DATABASE_URL=raw).database_url == expected


def test_sqlite_default_files_are_absolute_paths_in_the_instance_folder():
    for app_env in ("development", "production"):
        path = Path(load(APP_ENV=app_env).database_url.removeprefix("sqlite:///"))
        assert path.is_absolute()
        assert path.parent == INSTANCE_DIR


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


# --- Sign in with Spotify: client id and secret, redirect URI, Spotify's URLs -------------


@pytest.mark.parametrize(
    "values",
    [{}, {"SPOTIFY_CLIENT_ID": CLIENT_ID}, {"SPOTIFY_CLIENT_SECRET": CLIENT_SECRET}],
    ids=["neither", "id-only", "secret-only"],
)
def test_sign_in_is_off_without_both_client_id_and_secret(values):
    assert not load(**values).signin_enabled


def test_sign_in_is_on_with_client_id_and_secret_stripped():
    loaded = load(SPOTIFY_CLIENT_ID=f" {CLIENT_ID} ", SPOTIFY_CLIENT_SECRET=f"{CLIENT_SECRET}\n")
    assert loaded.signin_enabled
    assert (loaded.spotify_client_id, loaded.spotify_client_secret) == (CLIENT_ID, CLIENT_SECRET)


@pytest.mark.parametrize(
    "uri",
    [
        "http://127.0.0.1:8000/callback",
        "http://127.0.0.1/callback",
        "http://[::1]:8000/callback",
        "https://shuffify.example.com/callback",
        "https://shuffify.example.com:8443/callback",
    ],
)
def test_redirect_uri_accepts_https_and_http_on_loopback_ip_literals(uri):
    assert load(SPOTIFY_REDIRECT_URI=uri).spotify_redirect_uri == uri


@pytest.mark.parametrize(
    ("uri", "why"),
    [
        ("http://localhost:8000/callback", "localhost"),
        ("https://localhost/callback", "localhost"),
        ("http://LOCALHOST:8000/callback", "localhost"),
        ("http://shuffify.example.com/callback", "https"),
        ("http://192.168.1.20:8000/callback", "https"),
        ("http://0.0.0.0:8000/callback", "https"),
        ("https://shuffify.example.com/", "/callback"),
        ("https://shuffify.example.com/auth/callback", "/callback"),
        ("https://shuffify.example.com/callback?next=/", "/callback"),
        ("https://shuffify.example.com/callback#x", "/callback"),
        ("not a url", "http(s) URL"),
        ("127.0.0.1:8000/callback", "http(s) URL"),
        ("ftp://127.0.0.1/callback", "http(s) URL"),
        ("https:///callback", "http(s) URL"),
    ],
)
def test_redirect_uri_refusals_are_one_line_naming_it_and_saying_why(uri, why):
    message = refusal(SPOTIFY_REDIRECT_URI=uri)
    assert_one_line_naming(message, "SPOTIFY_REDIRECT_URI")
    assert why in message


def test_localhost_refusal_suggests_the_loopback_address_instead():
    message = refusal(SPOTIFY_REDIRECT_URI="http://localhost:8123/callback")
    assert "November 2025" in message
    assert "http://127.0.0.1:8123/callback" in message


@pytest.mark.parametrize(
    ("name", "attribute", "raw", "value"),
    [
        (
            "SPOTIFY_ACCOUNTS_URL",
            "spotify_accounts_url",
            "http://127.0.0.1:9",
            "http://127.0.0.1:9",
        ),
        (
            "SPOTIFY_ACCOUNTS_URL",
            "spotify_accounts_url",
            "http://127.0.0.1:9/",
            "http://127.0.0.1:9",
        ),
        ("SPOTIFY_API_URL", "spotify_api_url", "http://127.0.0.1:9/v1", "http://127.0.0.1:9/v1"),
        ("SPOTIFY_API_URL", "spotify_api_url", " https://api.test/v1/ ", "https://api.test/v1"),
    ],
)
def test_spotify_urls_are_kept_without_a_trailing_slash(name, attribute, raw, value):
    assert getattr(load(**{name: raw}), attribute) == value


@pytest.mark.parametrize("name", ["SPOTIFY_ACCOUNTS_URL", "SPOTIFY_API_URL"])
@pytest.mark.parametrize("raw", ["accounts.spotify.com", "ftp://example.com", "http://"])
def test_spotify_urls_must_be_http_urls(name, raw):
    assert_one_line_naming(refusal(**{name: raw}), name)


# --- SECRET_KEY and SECRET_KEY_FALLBACKS --------------------------------------------------


@pytest.mark.parametrize("app_env", settings.ENVIRONMENTS)
def test_secret_key_is_kept_when_long_enough(app_env):
    loaded = load(APP_ENV=app_env, SECRET_KEY=f"  {SECRET_KEY} ", **SIGN_IN)
    assert loaded.secret_key == SECRET_KEY


@pytest.mark.parametrize("app_env", settings.ENVIRONMENTS)
@pytest.mark.parametrize("length", [1, 16, settings.MIN_SECRET_KEY_LENGTH - 1])
def test_secret_key_shorter_than_32_characters_is_refused(app_env, length):
    short = "s" * length
    message = refusal(APP_ENV=app_env, SECRET_KEY=short)
    assert_one_line_naming(message, "SECRET_KEY")
    assert str(settings.MIN_SECRET_KEY_LENGTH) in message
    if length > 1:
        assert short not in message  # the length is named, never the key


def test_production_with_sign_in_and_no_secret_key_is_refused_in_one_line():
    message = refusal(APP_ENV="production", **SIGN_IN)
    assert_one_line_naming(message, "SECRET_KEY")
    assert "production" in message
    assert CLIENT_SECRET not in message


def test_production_without_sign_in_needs_no_secret_key(own_instance_dir):
    first, second = load(APP_ENV="production"), load(APP_ENV="production")
    assert not first.signin_enabled
    assert len(first.secret_key) >= settings.MIN_SECRET_KEY_LENGTH
    assert first.secret_key != second.secret_key  # this process only: nothing stored
    assert not own_instance_dir.exists()


def test_testing_without_secret_key_makes_one_for_the_process_and_stores_nothing(
    own_instance_dir,
):
    loaded = load(APP_ENV="testing", **SIGN_IN)
    assert len(loaded.secret_key) >= settings.MIN_SECRET_KEY_LENGTH
    assert not own_instance_dir.exists()


def test_development_without_secret_key_creates_a_private_key_file_once_and_reuses_it(
    own_instance_dir,
):
    first = load(**SIGN_IN)
    key_file = own_instance_dir / "secret_key"
    assert key_file.is_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().strip() == first.secret_key
    assert len(first.secret_key) >= settings.MIN_SECRET_KEY_LENGTH
    assert load(**SIGN_IN).secret_key == first.secret_key  # the next start reads it back
    assert load().secret_key == first.secret_key  # with sign-in off as well
    assert [path.name for path in own_instance_dir.iterdir()] == ["secret_key"]


def test_development_key_file_is_read_from_instance_dir_at_load_time(own_instance_dir):
    own_instance_dir.mkdir()
    (own_instance_dir / "secret_key").write_text(SECRET_KEY + "\n")
    assert load().secret_key == SECRET_KEY


def test_a_secret_key_that_is_set_leaves_the_instance_dir_alone(own_instance_dir):
    assert load(SECRET_KEY=SECRET_KEY).secret_key == SECRET_KEY
    assert not own_instance_dir.exists()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", ()),
        (" , ", ()),
        ("old-key-one", ("old-key-one",)),
        ("old-key-one,old-key-two", ("old-key-one", "old-key-two")),
        (" old-key-one , ,old-key-two, ", ("old-key-one", "old-key-two")),
    ],
)
def test_secret_key_fallbacks_are_split_on_commas(raw, expected):
    assert load(SECRET_KEY=SECRET_KEY, SECRET_KEY_FALLBACKS=raw).secret_key_fallbacks == expected


def test_repr_of_settings_shows_no_secret():
    fallback = "f" * 40
    loaded = load(
        DATABASE_URL=PG_URL, SECRET_KEY=SECRET_KEY, SECRET_KEY_FALLBACKS=fallback, **SIGN_IN
    )
    shown = repr(loaded)
    assert CLIENT_ID in shown  # not a secret: it is in every authorize URL
    for secret in (CLIENT_SECRET, SECRET_KEY, fallback):
        assert secret not in shown
        assert secret not in str(loaded)


# --- DEMO ---------------------------------------------------------------------------------


def test_demo_is_off_unless_set_to_true():
    assert load().demo is False
    assert load(DEMO="true").demo is True
    assert load(DEMO="false").demo is False


def test_demo_refuses_anything_but_true_or_false_in_one_line():
    assert_one_line_naming(refusal(DEMO="maybe"), "DEMO")


# --- SCHEDULER_* ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("true", True),
        ("TRUE", True),
        (" yes ", True),
        ("1", True),
        ("false", False),
        ("False", False),
        ("no", False),
        ("0", False),
    ],
)
def test_scheduler_enabled_accepts_true_and_false_words(raw, value):
    assert load(SCHEDULER_ENABLED=raw).scheduler_enabled is value


@pytest.mark.parametrize("raw", ["on", "off", "2", "enabled", "y", "nope"])
def test_scheduler_enabled_refuses_anything_else_in_one_line(raw):
    assert_one_line_naming(refusal(SCHEDULER_ENABLED=raw), "SCHEDULER_ENABLED")


@pytest.mark.parametrize(
    ("name", "attribute", "raw", "value"),
    [
        ("SCHEDULER_POLL_S", "scheduler_poll_s", "1", 1),
        ("SCHEDULER_POLL_S", "scheduler_poll_s", " 60 ", 60),
        ("SCHEDULER_POLL_S", "scheduler_poll_s", "3600", 3600),
        ("SCHEDULER_LEASE_S", "scheduler_lease_s", "10", 10),
        ("SCHEDULER_LEASE_S", "scheduler_lease_s", "900", 900),
        ("SCHEDULER_LEASE_S", "scheduler_lease_s", "86400", 86400),
    ],
)
def test_scheduler_intervals_accept_whole_seconds_in_range(name, attribute, raw, value):
    assert getattr(load(**{name: raw}), attribute) == value


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("SCHEDULER_POLL_S", "0"),
        ("SCHEDULER_POLL_S", "3601"),
        ("SCHEDULER_POLL_S", "1.5"),
        ("SCHEDULER_POLL_S", "-5"),
        ("SCHEDULER_POLL_S", "30s"),
        ("SCHEDULER_LEASE_S", "9"),
        ("SCHEDULER_LEASE_S", "86401"),
        ("SCHEDULER_LEASE_S", "five"),
    ],
)
def test_scheduler_intervals_refuse_other_values_in_one_line(name, raw):
    assert_one_line_naming(refusal(**{name: raw}), name)


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
    "SPOTIFY_REDIRECT_URI": (
        "SPOTIFY_REDIRECT_URI",
        {"SPOTIFY_REDIRECT_URI": "http://localhost:8000/callback", **SIGN_IN},
    ),
    "SECRET_KEY missing": ("SECRET_KEY", {"APP_ENV": "production", "SECRET_KEY": "", **SIGN_IN}),
    "SECRET_KEY short": ("SECRET_KEY", {"SECRET_KEY": "too-short", **SIGN_IN}),
    "SCHEDULER_POLL_S": ("SCHEDULER_POLL_S", {"SCHEDULER_POLL_S": "0"}),
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
    for secret in (PASSWORD, "S3cret/Pw!", "Pw!", CLIENT_SECRET, "too-short"):
        assert secret not in output
