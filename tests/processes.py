"""Running `python app.py` as a real process, the way production starts it.

Output goes to a file so a test can read everything the process printed.
"""

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pg_cluster import free_port

import settings

ROOT = Path(__file__).resolve().parent.parent
# The variables settings.py reads; a test's process starts from none of them,
# so the developer's own environment or .env never leaks into a test.
SETTING_NAMES = tuple(setting.name for setting in settings.SETTINGS)
# A known SECRET_KEY unless a test passes its own (SECRET_KEY="" for none): a
# development process without one would create instance/secret_key in the checkout.
TEST_SECRET_KEY = "process-test-secret-key-0123456789abcdef"


def clean_environment(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SETTING_NAMES}
    env.update(settings)
    return env


class AppProcess:
    """`python app.py` on a free port, with the given settings (and TEST_SECRET_KEY)."""

    def __init__(
        self, output: Path, cwd: Path = ROOT, command: list[str] | None = None, **settings: str
    ):
        self.port = int(settings.setdefault("PORT", str(free_port())))
        settings.setdefault("HOST", "127.0.0.1")
        settings.setdefault("SECRET_KEY", TEST_SECRET_KEY)
        self.output = output
        self._file = open(output, "wb")  # noqa: SIM115 -- open for the process lifetime
        self.process = subprocess.Popen(
            command or [sys.executable, "app.py"],
            cwd=cwd,
            stdout=self._file,
            stderr=subprocess.STDOUT,
            env=clean_environment(**settings),
        )

    def get(self, path: str = "/health", timeout: float = 5) -> tuple[int, dict]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, json.loads(response.read() or b"null")
        finally:
            connection.close()

    def wait_for_health(self, status: str = "healthy", timeout: float = 30) -> dict:
        """Poll /health until it reports status; fail if the process exits."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"app exited with {self.process.returncode}: {self.text()}")
            try:
                code, body = self.get()
                last = body
                if code == 200 and body["status"] == status:
                    return body
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.05)
        raise AssertionError(
            f"/health not {status} within {timeout}s (last: {last}): {self.text()}"
        )

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()
        finally:
            self._file.close()

    def wait(self, timeout: float = 30) -> int:
        code = self.process.wait(timeout)
        self._file.close()
        return code

    def text(self) -> str:
        if not self._file.closed:
            self._file.flush()
        return self.output.read_text(errors="replace")


def run_app(output: Path, timeout: float = 30, **settings: str) -> tuple[int, str]:
    """Run app.py to completion (for settings it must refuse)."""
    app = AppProcess(output, **settings)
    code = app.wait(timeout)
    return code, app.text()
