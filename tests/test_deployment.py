"""Deployment files, verified without a Docker engine (issue 5).

- Dockerfile: hadolint reports nothing, and the facts the issue asks for (slim
  Python base, a requirements layer, a non-root USER, EXPOSE, ENV, CMD, the
  HEALTHCHECK timings) hold, read from the file itself.
- HEALTHCHECK: its exec-form command, run as a process, passes against a
  running app and fails with Docker's "unhealthy" code once the app stops.
- The image, simulated: a fresh virtualenv with requirements.txt only, the
  files the COPY instructions copy under .dockerignore's rules (Docker's
  semantics: `*` stays within one path segment, `**` spans any number, a
  pattern excludes a directory's whole contents), the ENV the Dockerfile sets,
  then its CMD in that directory: /health turns healthy on PostgreSQL and the
  tables exist.
- docker-compose.yml (PyYAML): the app reaches the db service without TLS,
  waits for its pg_isready healthcheck, and has every setting it needs; the
  sign-in settings pass through from the shell (compose's ${VAR:-default}
  interpolation, applied here as compose applies it).
- .env.example: every setting with its default, and DATABASE_URL examples
  (Neon pooled and direct, Railway, local) that resolve.

Only a Docker engine can verify the rest: that the base image pulls and pip
installs in it, the user and file ownership, Docker scheduling the
HEALTHCHECK, compose networking and the volume surviving a restart.
"""

import fnmatch
import json
import os
import posixpath
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psycopg2
import pytest
import yaml
from dotenv import dotenv_values
from pg_cluster import free_port
from processes import ROOT, AppProcess, clean_environment

import settings
from shuffify.models import MODELS

DOCKERFILE = (ROOT / "Dockerfile").read_text()
DOCKERIGNORE = (ROOT / ".dockerignore").read_text()
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
ENV_EXAMPLE = (ROOT / ".env.example").read_text()
ENV_EXAMPLE_URLS = re.findall(r"^#\s*DATABASE_URL=(\S+)", ENV_EXAMPLE, re.M)
TABLES = {model._meta.table_name for model in MODELS}
RUNTIME_MODULES = ("peewee", "peewee_migrate", "psycopg2", "bottle", "waitress", "filelock")
DEV_MODULES = ("pytest", "ruff", "yaml")
DOCKER_UNHEALTHY = 1  # Docker: 0 healthy, 1 unhealthy, 2 reserved


# --- Reading the Dockerfile -------------------------------------------------------------


def instructions(text: str = DOCKERFILE) -> list[tuple[str, str]]:
    """(KEYWORD, arguments) of the final stage, continuation lines joined."""
    found, pending = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):  # Docker skips these inside continuations too
            continue
        if line.endswith("\\"):
            pending += line[:-1].strip() + " "
            continue
        keyword, _, args = (pending + line).partition(" ")
        pending = ""
        found.append((keyword.upper(), args.strip()))
    last_from = max(i for i, (keyword, _) in enumerate(found) if keyword == "FROM")
    return found[last_from:]


def args_of(keyword: str) -> list[str]:
    return [args for found, args in instructions() if found == keyword]


def exec_form(args: str) -> list[str]:
    command = json.loads(args)
    assert isinstance(command, list) and all(isinstance(part, str) for part in command), args
    return command


def dockerfile_env() -> dict[str, str]:
    env = {}
    for args in args_of("ENV"):
        tokens = shlex.split(args)
        if all("=" in token for token in tokens):
            env.update(token.split("=", 1) for token in tokens)
        else:  # the legacy `ENV NAME value` form
            env[tokens[0]] = " ".join(tokens[1:])
    return env


def healthcheck() -> tuple[dict[str, str], list[str]]:
    """The HEALTHCHECK's --options and its exec-form command."""
    (args,) = args_of("HEALTHCHECK")
    match = re.fullmatch(r"((?:--[\w-]+=\S+\s+)*)CMD\s+(.+)", args, re.S)
    assert match, f"HEALTHCHECK is not `[--option=value ...] CMD [...]`: {args}"
    options = dict(option[2:].split("=", 1) for option in match.group(1).split())
    return options, exec_form(match.group(2))


def with_python(command: list[str], python: str) -> list[str]:
    assert command[0] in ("python", "python3"), command
    return [python, *command[1:]]


def copy_instructions() -> list[tuple[list[str], str]]:
    """(sources, destination) of each COPY, flags dropped."""
    copies = []
    for args in args_of("COPY"):
        *sources, destination = [token for token in shlex.split(args) if not token.startswith("--")]
        copies.append((sources, destination))
    return copies


# --- Simulating the build context and COPY ----------------------------------------------


class DockerIgnore:
    """.dockerignore as Docker applies it: patterns are relative to the context root,
    `*` and `?` stay within one path segment, `**` spans any number of segments, a
    path is excluded when it or a parent directory matches, and the last matching
    pattern (`!` re-includes) wins."""

    def __init__(self, text: str):
        self.rules = []
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            negated = line.startswith("!")
            pattern = posixpath.normpath(line.lstrip("!").strip()).lstrip("/")
            self.rules.append((negated, pattern.split("/")))

    def excludes(self, path: str) -> bool:
        parts = path.split("/")
        excluded = False
        for negated, pattern in self.rules:
            if any(_segments_match(pattern, parts[:n]) for n in range(1, len(parts) + 1)):
                excluded = not negated
        return excluded

    @property
    def can_prune(self) -> bool:
        """Without `!` rules nothing under an excluded directory comes back."""
        return not any(negated for negated, _ in self.rules)


def _segments_match(pattern: list[str], parts: list[str]) -> bool:
    if not pattern:
        return not parts
    if pattern[0] == "**":
        return any(_segments_match(pattern[1:], parts[i:]) for i in range(len(parts) + 1))
    return (
        bool(parts)
        and fnmatch.fnmatchcase(parts[0], pattern[0])
        and _segments_match(pattern[1:], parts[1:])
    )


def context_files(context: Path, ignore: DockerIgnore) -> list[str]:
    """Every file of the build context that .dockerignore lets through."""
    files = []
    for folder, subfolders, names in os.walk(context):
        here = Path(folder).relative_to(context)
        if ignore.can_prune:
            subfolders[:] = [d for d in subfolders if not ignore.excludes((here / d).as_posix())]
        files += [
            (here / n).as_posix() for n in names if not ignore.excludes((here / n).as_posix())
        ]
    return sorted(files)


def simulate_copies(context: Path, image: Path) -> None:
    """Copy into image (the WORKDIR) what the Dockerfile's COPY instructions copy."""
    (workdir,) = args_of("WORKDIR")
    files = context_files(context, DockerIgnore(DOCKERIGNORE))
    for sources, destination in copy_instructions():
        into_dir = destination.endswith("/") or posixpath.normpath(destination) == "."
        target = image / posixpath.relpath(posixpath.join(workdir, destination), workdir)
        for source in (posixpath.normpath(s) for s in sources):
            for rel in files:
                if source == ".":
                    copied_to = target / rel
                elif rel == source:
                    copied_to = target / posixpath.basename(rel) if into_dir else target
                elif rel.startswith(source + "/"):
                    copied_to = target / rel[len(source) + 1 :]
                else:
                    continue
                copied_to.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(context / rel, copied_to)


def run_in(python: Path, code: str, cwd: Path) -> subprocess.CompletedProcess:
    env = clean_environment()
    env.pop("PYTHONPATH", None)
    return subprocess.run(
        [str(python), "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.fixture(scope="module")
def image(tmp_path_factory) -> Path:
    """The WORKDIR of the simulated image: what COPY copies from this checkout."""
    workdir = tmp_path_factory.mktemp("image") / "app"
    workdir.mkdir()
    simulate_copies(ROOT, workdir)
    return workdir


@pytest.fixture(scope="module")
def image_python(image, tmp_path_factory) -> Path:
    """A fresh virtualenv with requirements.txt only, as the image's pip install."""
    venv = tmp_path_factory.mktemp("image-venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "-r", str(image / "requirements.txt")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert installed.returncode == 0, installed.stderr
    return python


# --- Dockerfile -------------------------------------------------------------------------


def test_hadolint_reports_nothing_on_the_dockerfile():
    hadolint = Path(sys.executable).parent / "hadolint"
    result = subprocess.run(
        [str(hadolint), "Dockerfile"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_dockerfile_builds_on_a_slim_python_of_the_version_the_tests_run():
    (base,) = args_of("FROM")
    match = re.fullmatch(r"python:(\d+)\.(\d+)(?:\.\d+)?-slim(?:-\w+)?", base)
    assert match, f"not a slim official Python image: {base}"
    # The simulated image below runs this interpreter, so it must match the image's.
    assert tuple(map(int, match.groups())) == sys.version_info[:2]


def test_dockerfile_installs_requirements_in_a_layer_before_the_source():
    steps = instructions()
    copies = [i for i, (keyword, _) in enumerate(steps) if keyword == "COPY"]
    installs = [
        i
        for i, (keyword, args) in enumerate(steps)
        if keyword == "RUN" and re.search(r"pip install (\S+ )*-r requirements\.txt", args)
    ]
    assert [sources for sources, _ in copy_instructions()] == [["requirements.txt"], ["."]]
    assert len(installs) == 1
    assert copies[0] < installs[0] < copies[1]


def test_dockerfile_runs_the_app_as_a_non_root_user():
    users = args_of("USER")
    assert users, "no USER: the app would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")


def test_dockerfile_exposes_port_8000_and_sets_production():
    assert "8000" in [port.split("/")[0] for args in args_of("EXPOSE") for port in args.split()]
    env = dockerfile_env()
    assert env["APP_ENV"] == "production"
    assert env.get("PORT", "8000") == "8000"


def test_dockerfile_cmd_is_python_app_py_with_no_entrypoint():
    assert args_of("ENTRYPOINT") == []
    (cmd,) = args_of("CMD")
    assert exec_form(cmd) == ["python", "app.py"]


def test_dockerfile_healthcheck_timings():
    options, _ = healthcheck()
    assert options == {"interval": "30s", "timeout": "10s", "start-period": "10s", "retries": "3"}


# --- HEALTHCHECK command ----------------------------------------------------------------


def run_healthcheck(python: str, port: int, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    _, command = healthcheck()
    env = {**clean_environment(), **dockerfile_env(), "PORT": str(port)}
    return subprocess.run(
        with_python(command, python), cwd=cwd, env=env, capture_output=True, timeout=30
    )


def test_healthcheck_passes_while_the_app_runs_and_fails_once_it_stops(sqlite_url, tmp_path):
    app = AppProcess(
        tmp_path / "app.log",
        DATABASE_URL=sqlite_url,
        MIGRATION_LOCK_FILE=str(tmp_path / "migrate.lock"),
    )
    try:
        app.wait_for_health("healthy")
        running = run_healthcheck(sys.executable, app.port)
    finally:
        app.stop()
    stopped = run_healthcheck(sys.executable, app.port)
    assert running.returncode == 0, running.stderr
    assert stopped.returncode == DOCKER_UNHEALTHY, stopped.stderr


# --- The image, simulated ---------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        ".git/HEAD",
        ".venv/bin/python",
        ".env",
        ".pytest_cache/v/cache/nodeids",
        "tests/test_health.py",
        "tests/__pycache__/conftest.cpython-311.pyc",
        "instance",
        "instance/shuffify.db",
        "shuffify.db",
        "shuffify.db-wal",
        "shuffify/local.db",
        "shuffify/web/__pycache__/app.cpython-311.pyc",
        "requirements-dev.txt",
        "README.md",
    ],
)
def test_dockerignore_keeps_out(path):
    assert DockerIgnore(DOCKERIGNORE).excludes(path)


@pytest.mark.parametrize(
    "path",
    [
        "app.py",
        "settings.py",
        "requirements.txt",
        "shuffify/__init__.py",
        "shuffify/web/app.py",
        "migrations/001_initial.py",
    ],
)
def test_dockerignore_lets_through(path):
    assert not DockerIgnore(DOCKERIGNORE).excludes(path)


def test_image_holds_the_app_and_none_of_the_development_files(image):
    copied = {p.relative_to(image).as_posix() for p in image.rglob("*")}
    for needed in ("app.py", "settings.py", "requirements.txt", "shuffify/web/app.py"):
        assert needed in copied
    assert {p.name for p in (ROOT / "migrations").glob("[0-9]*.py")} == {
        p.name for p in (image / "migrations").glob("[0-9]*.py")
    }
    top = {path.split("/")[0] for path in copied}
    assert not top & {"tests", ".git", ".venv", "instance", ".env", ".pytest_cache"}
    assert not [path for path in copied if re.search(r"\.db(-wal|-shm)?$|__pycache__", path)]


def test_image_virtualenv_has_the_runtime_packages(image, image_python):
    result = run_in(image_python, f"import {', '.join(RUNTIME_MODULES)}, dotenv", image)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("module", DEV_MODULES)
def test_image_virtualenv_has_no_dev_package(image, image_python, module):
    result = run_in(image_python, f"import {module}", image)
    assert result.returncode != 0
    assert "ModuleNotFoundError" in result.stderr


def test_image_cmd_migrates_postgresql_and_serves_healthy(image, image_python, pg_url, tmp_path):
    (cmd,) = args_of("CMD")
    defaults = {s.name: s.default for s in settings.SETTINGS}
    app = AppProcess(
        tmp_path / "image.log",
        cwd=image,
        command=with_python(exec_form(cmd), str(image_python)),
        **{
            **dockerfile_env(),
            "HOST": defaults["HOST"],  # the image sets none: the app's default
            "PORT": str(free_port()),
            "DATABASE_URL": pg_url + "?sslmode=disable",
        },
    )
    try:
        body = app.wait_for_health("healthy", timeout=30)
        probe = run_healthcheck(str(image_python), app.port, cwd=image)
    finally:
        exit_code = app.stop()
    assert body["checks"] == {"database": "ok", "migrations": "ok"}
    assert probe.returncode == 0, probe.stderr
    assert exit_code == 0, app.text()
    assert "(APP_ENV=production)" in app.text()
    connection = psycopg2.connect(pg_url)
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = {name for (name,) in cursor.fetchall()}
        cursor.execute("SELECT name FROM migratehistory ORDER BY id")
        history = [name for (name,) in cursor.fetchall()]
    finally:
        connection.close()
    assert tables >= TABLES
    assert history == sorted(p.stem for p in (image / "migrations").glob("[0-9]*.py"))


# --- docker-compose.yml -----------------------------------------------------------------


def service_named(predicate) -> str:
    (name,) = [name for name, service in COMPOSE["services"].items() if predicate(service)]
    return name


APP = service_named(lambda service: "build" in service)
DB = service_named(lambda service: str(service.get("image", "")).startswith("postgres"))


COMPOSE_VARIABLE = re.compile(r"\$\{(\w+)(?:(:?-)([^}]*))?\}|\$(\w+)")


def interpolate(value: str, shell: dict[str, str]) -> str:
    """compose's ${NAME}, $NAME, ${NAME:-default} (unset or empty) and ${NAME-default} (unset)."""

    def resolve(match: re.Match) -> str:
        name = match.group(1) or match.group(4)
        given = shell.get(name)
        if match.group(2) == ":-" and not given:
            return match.group(3)
        if match.group(2) == "-" and given is None:
            return match.group(3)
        return given or ""

    return COMPOSE_VARIABLE.sub(resolve, value.replace("$$", "\0")).replace("\0", "$")


def environment(service: str, shell: dict[str, str] | None = None) -> dict[str, str]:
    """The service's environment as the container gets it, the shell (and .env) holding shell."""
    env = COMPOSE["services"][service].get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {name: interpolate(str(value), shell or {}) for name, value in env.items()}


def compose_database_url():
    return urlsplit(environment(APP)["DATABASE_URL"])


def test_compose_app_database_url_points_at_the_db_service_without_tls():
    url = compose_database_url()
    assert url.hostname == DB
    assert url.port in (None, 5432)
    assert parse_qs(url.query)["sslmode"] == ["disable"]


def test_compose_app_waits_for_a_healthy_db():
    assert COMPOSE["services"][APP]["depends_on"][DB]["condition"] == "service_healthy"


def test_compose_db_is_postgres_16_alpine_on_a_named_volume():
    db = COMPOSE["services"][DB]
    assert db["image"] == "postgres:16-alpine"
    named = [
        v.split(":")[0] for v in db["volumes"] if v.split(":")[1] == "/var/lib/postgresql/data"
    ]
    assert named and named[0] in COMPOSE["volumes"]


def test_compose_db_healthcheck_runs_pg_isready():
    test = COMPOSE["services"][DB]["healthcheck"]["test"]
    assert "pg_isready" in (test if isinstance(test, str) else " ".join(test))


def test_compose_db_credentials_match_the_app_database_url():
    url, db = compose_database_url(), environment(DB)
    assert (url.username, url.password, url.path.lstrip("/")) == (
        db["POSTGRES_USER"],
        db["POSTGRES_PASSWORD"],
        db["POSTGRES_DB"],
    )


def test_compose_app_environment_with_the_image_env_loads_settings():
    loaded = settings.load({**dockerfile_env(), **environment(APP)})
    assert loaded.app_env == "production"
    assert urlsplit(loaded.database_url).scheme == "postgresql"
    assert parse_qs(urlsplit(loaded.database_url).query)["sslmode"] == ["disable"]


SIGN_IN_SHELL = {
    "SPOTIFY_CLIENT_ID": "0123456789abcdef0123456789abcdef",
    "SPOTIFY_CLIENT_SECRET": "fedcba9876543210fedcba9876543210",
    "SPOTIFY_REDIRECT_URI": "https://shuffify.example.com/callback",
    "SECRET_KEY": "compose-root-secret-0123456789abcdef0123",
    "SECRET_KEY_FALLBACKS": "an-earlier-root-secret-0123456789abcdef",
}


def test_compose_app_without_sign_in_settings_starts_with_sign_in_off():
    loaded = settings.load({**dockerfile_env(), **environment(APP)})
    assert not loaded.signin_enabled
    assert loaded.spotify_redirect_uri == "http://127.0.0.1:8000/callback"


def test_compose_app_passes_the_sign_in_settings_through_from_the_shell():
    env = environment(APP, SIGN_IN_SHELL)
    for name, value in SIGN_IN_SHELL.items():
        assert env[name] == value
    loaded = settings.load({**dockerfile_env(), **env})
    assert loaded.signin_enabled
    assert loaded.secret_key == SIGN_IN_SHELL["SECRET_KEY"]
    assert loaded.secret_key_fallbacks == (SIGN_IN_SHELL["SECRET_KEY_FALLBACKS"],)


def test_compose_app_with_sign_in_and_no_secret_key_is_refused():
    shell = {k: v for k, v in SIGN_IN_SHELL.items() if not k.startswith("SECRET_KEY")}
    with pytest.raises(settings.SettingsError, match="SECRET_KEY"):
        settings.load({**dockerfile_env(), **environment(APP, shell)})


def test_compose_publishes_the_port_the_app_listens_on():
    loaded = settings.load({**dockerfile_env(), **environment(APP)})
    published = [str(p).split(":")[-1] for p in COMPOSE["services"][APP]["ports"]]
    assert str(loaded.port) in published


# --- .env.example -----------------------------------------------------------------------


@pytest.mark.parametrize("setting", settings.SETTINGS, ids=lambda s: s.name)
def test_env_example_lists_the_setting_with_its_default(setting):
    values = dotenv_values(ROOT / ".env.example")
    assert setting.name in values, f"{setting.name}= missing from .env.example"
    assert (values[setting.name] or "") == setting.default


def is_neon_pooled(host: str) -> bool:
    return host.endswith(".neon.tech") and "-pooler." in host


def is_neon_direct(host: str) -> bool:
    return host.endswith(".neon.tech") and "-pooler." not in host


@pytest.mark.parametrize(
    "matches",
    [
        is_neon_pooled,
        is_neon_direct,
        lambda host: "railway" in host or "rlwy" in host,
        lambda host: host in ("localhost", "127.0.0.1"),
    ],
    ids=["neon-pooled", "neon-direct", "railway", "local"],
)
def test_env_example_has_a_database_url_example_for(matches):
    hosts = [urlsplit(url).hostname or "" for url in ENV_EXAMPLE_URLS]
    assert any(matches(host) for host in hosts), hosts


def test_env_example_notes_that_both_postgres_schemes_work():
    notes = [line for line in ENV_EXAMPLE.splitlines() if line.startswith("#")]
    assert any("postgres://" in line and "postgresql://" in line for line in notes)


@pytest.mark.parametrize("url", ENV_EXAMPLE_URLS)
def test_env_example_database_url_resolves_in_production(url):
    resolved = urlsplit(settings.resolve_database_url(url, "production"))
    assert resolved.scheme in ("postgresql", "sqlite")
    if resolved.scheme == "postgresql":
        assert "sslmode" in parse_qs(resolved.query)


def test_env_example_local_url_reaches_the_compose_db():
    (local,) = [
        urlsplit(url)
        for url in ENV_EXAMPLE_URLS
        if urlsplit(url).hostname in ("localhost", "127.0.0.1")
    ]
    db = environment(DB)
    published = [str(p).split(":")[-2] for p in COMPOSE["services"][DB]["ports"] if ":" in str(p)]
    assert str(local.port or 5432) in published
    assert (local.username, local.password, local.path.lstrip("/")) == (
        db["POSTGRES_USER"],
        db["POSTGRES_PASSWORD"],
        db["POSTGRES_DB"],
    )
