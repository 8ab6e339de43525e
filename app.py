"""Entry point: `python app.py` brings the schema up to date, then serves.

One waitress process with WAITRESS_THREADS threads, and the job runner's
thread (SCHEDULER_ENABLED) that claims due schedules. The server listens
first; the routes and the runner, which load all the domain code, follow
WARM_UP_AFTER_S later (a request for a page before then loads its routes
itself). Settings come from the
environment (see settings.py): a bad one stops the process with one line, as
does a migration that fails while the database answers. An unreachable
database does not: the app serves /health as degraded and retries.
"""

import logging
import sys
import threading

import settings

log = logging.getLogger("shuffify")

WARM_UP_AFTER_S = 0.5


def main() -> int:
    try:
        current = settings.load()
    except settings.SettingsError as error:
        print(f"shuffify: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=current.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # waitress.queue warns each time a request waits for a free thread: under
    # load, thousands of lines a second, which cost more than the requests.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    log.info("database: %s (APP_ENV=%s)", current.database_display, current.app_env)

    from shuffify import database
    from shuffify.schema import MigrationFailed
    from shuffify.web import server
    from shuffify.web.app import create_app

    stopping = threading.Event()
    failures = []

    def fail(message: str) -> None:
        log.error("%s", message)
        failures.append(message)
        stopping.set()

    try:
        app = create_app(current, on_fatal=fail)
    except MigrationFailed as failure:
        log.error("%s", failure)
        return 1
    runners = []  # the one runner, once started
    warming = threading.Timer(
        WARM_UP_AFTER_S,
        lambda: runners.append(start_routes_and_runner(app, current, database.db.obj, stopping)),
    )
    warming.start()
    try:
        server.serve(app, current.host, current.port, current.threads, stopping)
    except OSError as error:
        log.error("cannot listen on HOST=%s PORT=%s: %s", current.host, current.port, error)
        return 2
    finally:
        stopping.set()
        warming.cancel()
        warming.join()
        for runner in runners:
            runner.stop(timeout=server.DRAIN_S)  # a run still going is left to its lease
        app.config["shuffify.schema"].stop()  # no migration retry while the pool closes
        database.close_database(database.db.obj)
    log.info("stopped")
    return 1 if failures else 0


def start_routes_and_runner(app, current: settings.Settings, db, stopping: threading.Event):
    """Install every route and start the job runner; returns the runner."""
    from shuffify.scheduling.runner import Runner
    from shuffify.web.app import warm_up

    warm_up(app)
    runner = Runner(
        app.config["shuffify.services"],
        db,
        current.scheduler_poll_s,
        current.scheduler_lease_s,
        stopping,  # SIGTERM: claim nothing more
        run_schedules=current.scheduler_enabled,  # interrupted writes are completed anyway
    )
    if current.scheduler_enabled:
        app.config["shuffify.services"].wake_runner = runner.wake
    runner.start()
    return runner


if __name__ == "__main__":
    sys.exit(main())
