"""Entry point: `python app.py` brings the schema up to date, then serves.

One waitress process with WAITRESS_THREADS threads. Settings come from the
environment (see settings.py); a bad one stops the process with one line.
"""

import logging
import sys

import settings

log = logging.getLogger("shuffify")


def main() -> int:
    try:
        current = settings.load()
    except settings.SettingsError as error:
        print(f"shuffify: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=current.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    log.info("database: %s (APP_ENV=%s)", current.database_display, current.app_env)

    import waitress

    from shuffify.web import create_app

    app = create_app(current)
    try:
        waitress.serve(app, host=current.host, port=current.port, threads=current.threads)
    except OSError as error:
        print(
            f"shuffify: cannot listen on HOST={current.host} PORT={current.port}: {error.strerror}",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
