"""A throwaway PgBouncer in transaction mode, in front of a PostgreSQL server.

This is what a managed provider's pooled endpoint is (Neon's `-pooler` host):
consecutive transactions of one client may run on different server
connections, so a session-level lock is unsafe behind it. The tests start
Debian's `pgbouncer` in the foreground on a free loopback port, with trust
authentication and every database name passed through to the server.
PgBouncer refuses to run as root, so under root it runs as the unprivileged
user that owns the test clusters.

A busy pooler hands one client's consecutive transactions to different server
connections. An idle one keeps giving a lone client the same connection
(LIFO), which would hide a session-level lock's failure; so this PgBouncer
reuses connections round-robin, and warm() fills the pool first.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg2
from pg_cluster import ensure_os_user, free_port

CANDIDATES = ("pgbouncer", "/usr/sbin/pgbouncer", "/usr/bin/pgbouncer")
START_TIMEOUT_S = 15


def find_pgbouncer() -> str:
    for candidate in CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    raise RuntimeError("pgbouncer not found: install Debian's pgbouncer package")


class PgBouncer:
    """PgBouncer on a free port, forwarding every database to the server of server_url."""

    def __init__(self, server_url: str, pool_mode: str = "transaction"):
        server = urlsplit(server_url)
        self.user = unquote(server.username or "postgres")
        password = unquote(server.password or "")
        self.port = free_port()
        self.os_user = ensure_os_user()  # the same unprivileged user as the clusters
        self.base = Path(tempfile.mkdtemp(prefix="shuffify-pgbouncer-"))
        self.log = self.base / "pgbouncer.log"
        auth_file = self.base / "userlist.txt"
        auth_file.write_text(f'"{self.user}" "{password}"\n')
        self.ini = self.base / "pgbouncer.ini"
        self.ini.write_text(
            "[databases]\n"
            f"* = host={server.hostname} port={server.port or 5432}\n"
            "[pgbouncer]\n"
            "listen_addr = 127.0.0.1\n"
            f"listen_port = {self.port}\n"
            "unix_socket_dir =\n"
            "auth_type = trust\n"
            f"auth_file = {auth_file}\n"
            f"pool_mode = {pool_mode}\n"
            "max_client_conn = 200\n"
            "default_pool_size = 20\n"
            "ignore_startup_parameters = extra_float_digits\n"
            "server_round_robin = 1\n"
        )
        if self.os_user:
            for path in (self.base, auth_file, self.ini):
                shutil.chown(path, self.os_user)
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Run PgBouncer in the foreground and wait until its port accepts connections."""
        user = {}
        if self.os_user:
            entry = pwd.getpwnam(self.os_user)
            user = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [find_pgbouncer(), str(self.ini)],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.base,
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
                **user,
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"pgbouncer exited: {self.log.read_text(errors='replace')}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"pgbouncer did not listen within {START_TIMEOUT_S}s")

    def url(self, dbname: str) -> str:
        """A URL for dbname through PgBouncer (trust auth: no password needed)."""
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def warm(self, dbname: str, connections: int = 4) -> None:
        """Open that many server connections to dbname and leave them idle in the pool."""
        clients = [psycopg2.connect(self.url(dbname)) for _ in range(connections)]
        try:
            for client in clients:  # each holds a transaction, so each needs its own server
                client.cursor().execute("SELECT 1")
            for client in clients:
                client.commit()  # a server left mid-transaction would be closed, not pooled
        finally:
            for client in clients:
                client.close()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: PgBouncer's immediate shutdown
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)
