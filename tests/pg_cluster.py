"""A throwaway PostgreSQL cluster the tests start themselves.

initdb into a temp dir, listen on a free loopback port, trust authentication.
PostgreSQL refuses to run as root, so under root the cluster belongs to an
unprivileged OS user (created when missing). Stop, start and kill are exposed
because some tests take the server away under a running app.
"""

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg2

OS_USER = "shuffify-test"
SUPERUSER = "postgres"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def find_pg_bin() -> Path:
    """The folder holding initdb and pg_ctl: PATH first, then Debian's layout."""
    on_path = shutil.which("pg_ctl")
    candidates = [Path(on_path).parent] if on_path else []
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    raise RuntimeError(
        "PostgreSQL server binaries not found (pg_ctl/initdb): install Debian's "
        "postgresql package or set TEST_DATABASE_URL"
    )


def ensure_os_user() -> str | None:
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(OS_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", OS_USER], check=True)
    return OS_USER


class PostgresCluster:
    """One PostgreSQL server in a temp dir, on a free port."""

    def __init__(self):
        self.bin = find_pg_bin()
        self.os_user = ensure_os_user()
        self.base = Path(tempfile.mkdtemp(prefix="shuffify-pg-"))
        self.data = self.base / "data"
        self.log = self.base / "postgres.log"
        self.port = free_port()
        if self.os_user:
            shutil.chown(self.base, self.os_user)
        self._run(
            "initdb",
            "-D",
            self.data,
            "-U",
            SUPERUSER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )

    def _run(self, tool: str, *args, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / tool), *map(str, args)]
        if self.os_user:
            command = ["runuser", "-u", self.os_user, "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, cwd=self.base)

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} "
            f"-c unix_socket_directories={self.base} -c fsync=off "
            "-c max_connections=200"
        )
        self._run(
            "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "-o", options, "start"
        )

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop", check=False)

    def kill(self) -> None:
        """SIGKILL the postmaster, as a crash or an OOM kill would."""
        pid = int((self.data / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGKILL)

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"


class PostgresServer:
    """Creates and drops databases on a server given by its URL."""

    def __init__(self, admin_url: str):
        self.admin_url = admin_url

    def url(self, dbname: str) -> str:
        head, _, _ = self.admin_url.partition("?")
        return head.rsplit("/", 1)[0] + "/" + dbname

    def execute(self, sql: str) -> None:
        connection = psycopg2.connect(self.admin_url)
        connection.autocommit = True
        try:
            connection.cursor().execute(sql)
        finally:
            connection.close()

    def create_database(self, dbname: str) -> str:
        self.execute(f'CREATE DATABASE "{dbname}"')
        return self.url(dbname)

    def drop_database(self, dbname: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
