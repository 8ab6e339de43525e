"""A thread that calls a function at a fixed interval until stopped: lease heartbeats.

A leased row (a running schedule, a claimed playlist) stays claimed only while
its holder keeps extending the lease; a holder that dies stops beating and its
lease runs out. A failed beat is logged and tried again at the next one.
"""

import logging
import threading
from collections.abc import Callable

import peewee as pw

from shuffify.health import first_line

log = logging.getLogger(__name__)


class Heartbeat:
    """Calls beat() every `every_s` seconds from a daemon thread, until stop()."""

    def __init__(self, every_s: float, beat: Callable[[], None], name: str = "heartbeat"):
        self.every_s = every_s
        self.beat = beat
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def __enter__(self) -> "Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._done.wait(self.every_s):
            try:
                self.beat()
            except (pw.PeeweeException, OSError) as error:  # try again at the next beat
                log.warning("%s failed: %s", self._thread.name, first_line(error))
