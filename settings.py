"""Settings: the only module that reads the environment.

Every setting is declared once in SETTINGS (name, default, meaning). load()
reads them from the process environment, falling back to a `.env` file beside
this module, validates them, and returns a frozen Settings. A bad value raises
SettingsError with one line naming the variable; a password in DATABASE_URL is
masked in every message.
"""

import hashlib
import ipaddress
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent
INSTANCE_DIR = ROOT / "instance"

ENVIRONMENTS = ("development", "production", "testing")
POSTGRES_SCHEMES = ("postgres", "postgresql")
DEFAULT_SQLITE = {
    "development": f"sqlite:///{INSTANCE_DIR / 'shuffify_dev.db'}",
    "production": f"sqlite:///{INSTANCE_DIR / 'shuffify.db'}",
    "testing": "sqlite:///:memory:",
}


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    meaning: str


SETTINGS = (
    Setting("APP_ENV", "development", "development, production or testing"),
    Setting(
        "DATABASE_URL",
        "",
        "postgres:// or postgresql:// URL, or sqlite:///path; empty means a "
        "SQLite file in instance/ (in memory when testing)",
    ),
    Setting("HOST", "0.0.0.0", "address waitress listens on"),
    Setting("PORT", "8000", "port waitress listens on (1-65535)"),
    Setting("WAITRESS_THREADS", "4", "request threads in the single waitress process"),
    Setting(
        "MIGRATION_LOCK_FILE",
        "",
        "lock file that serialises migrations between processes on one host; "
        "empty means one per database in the system temp dir",
    ),
    Setting("MIGRATIONS_DIR", "", "folder of numbered migrations; empty means migrations/ here"),
    Setting("LOG_LEVEL", "INFO", "DEBUG, INFO, WARNING or ERROR"),
    Setting("SPOTIFY_CLIENT_ID", "", "your Spotify app's client ID; empty turns sign-in off"),
    Setting(
        "SPOTIFY_CLIENT_SECRET", "", "your Spotify app's client secret; empty turns sign-in off"
    ),
    Setting(
        "SPOTIFY_REDIRECT_URI",
        "http://127.0.0.1:8000/callback",
        "the redirect URI registered with the Spotify app: https, or http on 127.0.0.1 or [::1]; "
        "never localhost; its path is /callback",
    ),
    Setting("SPOTIFY_ACCOUNTS_URL", "https://accounts.spotify.com", "Spotify's accounts service"),
    Setting("SPOTIFY_API_URL", "https://api.spotify.com/v1", "Spotify's Web API"),
    Setting(
        "SECRET_KEY",
        "",
        "root secret every key is derived from (at least 32 characters; required in production "
        "with sign-in on); empty in development means a random key kept in instance/secret_key",
    ),
    Setting(
        "SECRET_KEY_FALLBACKS",
        "",
        "earlier SECRET_KEYs, comma-separated: tokens encrypted under them still decrypt",
    ),
    Setting(
        "DEMO",
        "false",
        "true only under `make demo`: every page says it is a demo against a fake Spotify",
    ),
    Setting("SCHEDULER_ENABLED", "true", "true or false: run due schedules in this process"),
    Setting("SCHEDULER_POLL_S", "30", "seconds between looks for due schedules (1-3600)"),
    Setting(
        "SCHEDULER_LEASE_S",
        "300",
        "seconds a run may go without a heartbeat before another process marks it failed",
    ),
    Setting(
        "PLAYLIST_LEASE_S",
        "30",
        "seconds a playlist's claim outlives a writer that stopped beating (a crashed process's "
        "interrupted write is completed after it)",
    ),
    Setting(
        "SPOTIFY_DAILY_CALL_BUDGET",
        "2000",
        "calls to Spotify the whole deployment makes in a rolling 24 hours; background work "
        "stops claiming runs at 80% of it",
    ),
    Setting(
        "METRICS_TOKEN",
        "",
        "turns GET /metrics on, for requests with `Authorization: Bearer <this token>`; "
        "empty: /metrics answers 404",
    ),
)
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
MIN_SECRET_KEY_LENGTH = 32
LOOPBACK_HOSTS = ("127.0.0.1", "::1")
BOOLEANS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


class SettingsError(ValueError):
    """A setting has a value the service cannot start with."""


@dataclass(frozen=True)
class Settings:
    app_env: str
    database_url: str
    host: str
    port: int
    threads: int
    migration_lock_file: Path
    migrations_dir: Path
    log_level: str
    spotify_client_id: str = ""
    spotify_client_secret: str = field(default="", repr=False)
    spotify_redirect_uri: str = "http://127.0.0.1:8000/callback"
    spotify_accounts_url: str = "https://accounts.spotify.com"
    spotify_api_url: str = "https://api.spotify.com/v1"
    secret_key: str = field(default="", repr=False)
    secret_key_fallbacks: tuple[str, ...] = field(default=(), repr=False)
    demo: bool = False
    scheduler_enabled: bool = True
    scheduler_poll_s: int = 30
    scheduler_lease_s: int = 300
    playlist_lease_s: int = 30
    spotify_daily_call_budget: int = 2000
    metrics_token: str = field(default="", repr=False)

    @property
    def database_display(self) -> str:
        """The database URL with its password masked, for logs."""
        return mask_password(self.database_url)

    @property
    def signin_enabled(self) -> bool:
        return bool(self.spotify_client_id and self.spotify_client_secret)

    @property
    def production(self) -> bool:
        return self.app_env == "production"


def mask_password(url: str) -> str:
    """Return url with the password (in the userinfo or the query) replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None and "password=" not in parts.query:
        return url  # urlunsplit would also drop the empty host of sqlite:///
    if parts.password is not None:
        userinfo, _, hostinfo = parts.netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        parts = parts._replace(netloc=f"{user}:***@{hostinfo}")
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(key == "password" for key, _ in query):  # libpq takes it there too
        masked = [(k, "***" if k == "password" else v) for k, v in query]
        parts = parts._replace(query=urlencode(masked, safe="*"))
    return urlunsplit(parts)


def resolve_database_url(raw: str, app_env: str) -> str:
    """Turn DATABASE_URL into the URL the database is built from.

    Empty means the environment's SQLite default. postgres:// becomes
    postgresql://, and production adds sslmode=require unless the URL
    chooses its own sslmode. Raises SettingsError on anything else.
    """
    url = raw.strip()
    if not url:
        return DEFAULT_SQLITE[app_env]
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- urlsplit checks the port only when asked
    except ValueError:
        parts = None
    if parts is None or not parts.scheme or _password_may_have_spilled(parts):
        # Echoing a URL that does not split cleanly could print part of the
        # password, so this message names the likely cause instead.
        raise SettingsError(
            "DATABASE_URL does not parse as scheme://user:password@host:port/dbname "
            "(percent-encode special characters in the password)"
        )
    if parts.scheme == "sqlite":
        if parts.path in ("", "/"):
            raise _url_error("has no database file (use sqlite:///path/to/file.db)", url)
        return url
    if parts.scheme not in POSTGRES_SCHEMES:
        raise _url_error(
            f"unsupported scheme {parts.scheme}:// (use postgresql://, postgres:// or sqlite:///)",
            url,
        )
    if parts.path.strip("/") == "" or "/" in parts.path.strip("/"):
        raise _url_error("has no database name (postgresql://user@host:5432/dbname)", url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if app_env == "production" and "sslmode" not in dict(query):
        query.append(("sslmode", "require"))
    return urlunsplit(parts._replace(scheme="postgresql", query=urlencode(query)))


def _password_may_have_spilled(parts: SplitResult) -> bool:
    """True when an unescaped ?, # or / cut the userinfo short, so that part
    of the password would be read as the path, query or fragment."""
    if parts.scheme == "sqlite":
        return False
    return bool(
        "@" in parts.path or parts.fragment or ("@" not in parts.netloc and "@" in parts.query)
    )


def _url_error(problem: str, url: str) -> SettingsError:
    return SettingsError(f"DATABASE_URL {problem}: {mask_password(url)}")


def _read_environment() -> dict[str, str]:
    env_file = ROOT / ".env"
    if not env_file.is_file():
        return dict(os.environ)
    from dotenv import dotenv_values

    from_file = {k: v for k, v in dotenv_values(env_file).items() if v is not None}
    return {**from_file, **os.environ}


def _integer(environ: dict[str, str], name: str, low: int, high: int) -> int:
    raw = environ[name].strip()
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise SettingsError(f"{name} must be a whole number from {low} to {high}, got {raw!r}")
    return int(raw)


def default_lock_file(database_url: str) -> Path:
    """One lock file per database (host, port, name; never the password)."""
    parts = urlsplit(database_url)
    identity = f"{parts.scheme}://{parts.hostname or ''}:{parts.port or ''}{parts.path}"
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"shuffify-migrate-{digest}.lock"


def check_redirect_uri(raw: str) -> str:
    """The redirect URI as Spotify accepts it today, or SettingsError saying why not."""
    uri = raw.strip()
    parts = urlsplit(uri)
    name = "SPOTIFY_REDIRECT_URI"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"{name} must be an absolute http(s) URL, got {uri!r}")
    if parts.hostname == "localhost":
        raise SettingsError(
            f"{name} may not use localhost (Spotify refuses it since November 2025): "
            f"use 127.0.0.1 instead, e.g. http://127.0.0.1:{parts.port or 8000}/callback"
        )
    if parts.scheme == "http" and not _is_loopback_literal(parts.hostname):
        raise SettingsError(
            f"{name} must use https (plain http only for 127.0.0.1 or [::1]), got {uri!r}"
        )
    if parts.path != "/callback" or parts.query or parts.fragment:
        raise SettingsError(f"{name} must end in the path /callback, got {uri!r}")
    return uri


def _is_loopback_literal(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def resolve_secret_key(raw: str, app_env: str, signin_enabled: bool) -> str:
    """SECRET_KEY, checked; in development a random key kept in instance/ when unset."""
    key = raw.strip()
    if key:
        if len(key) < MIN_SECRET_KEY_LENGTH:
            raise SettingsError(
                f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters, got {len(key)}"
            )
        return key
    if app_env == "production" and signin_enabled:
        raise SettingsError(
            "SECRET_KEY must be set in production when sign-in is on "
            f"(at least {MIN_SECRET_KEY_LENGTH} characters, e.g. from `openssl rand -hex 32`)"
        )
    if app_env == "development":
        return _instance_secret_key(INSTANCE_DIR / "secret_key")
    return secrets.token_urlsafe(32)  # testing, or production without sign-in: this process only


def _instance_secret_key(path: Path) -> str:
    """Read the development key, creating it (mode 0600) the first time.

    Written to a temporary file and renamed into place, so a process starting
    at the same moment reads either no file or the whole key, never half.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
        with os.fdopen(descriptor, "w") as key_file:  # mkstemp makes it 0600
            key_file.write(secrets.token_urlsafe(32))
        try:
            os.link(temporary, path)  # fails if another process was first: keep theirs
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    key = path.read_text().strip()
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise SettingsError(f"{path} holds no usable key: delete it and start again")
    return key


def _boolean(environ: dict[str, str], name: str) -> bool:
    raw = environ[name].strip().lower()
    if raw not in BOOLEANS:
        raise SettingsError(f"{name} must be true or false, got {raw!r}")
    return BOOLEANS[raw]


def _plain_url(environ: dict[str, str], name: str) -> str:
    url = environ[name].strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"{name} must be an absolute http(s) URL, got {url!r}")
    return url


def load(environ: dict[str, str] | None = None) -> Settings:
    """Read, validate and return the settings."""
    given = _read_environment() if environ is None else environ
    values = {s.name: given.get(s.name) or s.default for s in SETTINGS}
    app_env = values["APP_ENV"].strip()
    if app_env not in ENVIRONMENTS:
        raise SettingsError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}, got {app_env!r}")
    log_level = values["LOG_LEVEL"].strip().upper()
    if log_level not in LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {log_level!r}")
    database_url = resolve_database_url(values["DATABASE_URL"], app_env)
    lock_file = values["MIGRATION_LOCK_FILE"].strip()
    client_id = values["SPOTIFY_CLIENT_ID"].strip()
    client_secret = values["SPOTIFY_CLIENT_SECRET"].strip()
    fallbacks = tuple(k.strip() for k in values["SECRET_KEY_FALLBACKS"].split(",") if k.strip())
    return Settings(
        app_env=app_env,
        database_url=database_url,
        host=values["HOST"].strip(),
        port=_integer(values, "PORT", 1, 65535),
        threads=_integer(values, "WAITRESS_THREADS", 1, 256),
        migration_lock_file=Path(lock_file) if lock_file else default_lock_file(database_url),
        migrations_dir=Path(values["MIGRATIONS_DIR"].strip() or ROOT / "migrations"),
        log_level=log_level,
        spotify_client_id=client_id,
        spotify_client_secret=client_secret,
        spotify_redirect_uri=check_redirect_uri(values["SPOTIFY_REDIRECT_URI"]),
        spotify_accounts_url=_plain_url(values, "SPOTIFY_ACCOUNTS_URL"),
        spotify_api_url=_plain_url(values, "SPOTIFY_API_URL"),
        secret_key=resolve_secret_key(
            values["SECRET_KEY"], app_env, bool(client_id and client_secret)
        ),
        secret_key_fallbacks=fallbacks,
        demo=_boolean(values, "DEMO"),
        scheduler_enabled=_boolean(values, "SCHEDULER_ENABLED"),
        scheduler_poll_s=_integer(values, "SCHEDULER_POLL_S", 1, 3600),
        scheduler_lease_s=_integer(values, "SCHEDULER_LEASE_S", 10, 86400),
        playlist_lease_s=_integer(values, "PLAYLIST_LEASE_S", 2, 600),
        spotify_daily_call_budget=_integer(values, "SPOTIFY_DAILY_CALL_BUDGET", 10, 10_000_000),
        metrics_token=values["METRICS_TOKEN"].strip(),
    )
