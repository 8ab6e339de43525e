"""Settings: the only module that reads the environment.

Every setting is declared once in SETTINGS (name, default, meaning). load()
reads them from the process environment, falling back to a `.env` file beside
this module, validates them, and returns a frozen Settings. A bad value raises
SettingsError with one line naming the variable; a password in DATABASE_URL is
masked in every message.
"""

import hashlib
import os
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
    Setting(
        "API_TOKEN",
        "",
        "bearer token the /api routes require; empty disables them (they answer 403)",
    ),
)
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


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
    api_token: str = field(default="", repr=False)

    @property
    def database_display(self) -> str:
        """The database URL with its password masked, for logs."""
        return mask_password(self.database_url)


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
    return Settings(
        app_env=app_env,
        database_url=database_url,
        host=values["HOST"].strip(),
        port=_integer(values, "PORT", 1, 65535),
        threads=_integer(values, "WAITRESS_THREADS", 1, 256),
        migration_lock_file=Path(lock_file) if lock_file else default_lock_file(database_url),
        migrations_dir=Path(values["MIGRATIONS_DIR"].strip() or ROOT / "migrations"),
        log_level=log_level,
        api_token=values["API_TOKEN"].strip(),
    )
