"""Refusals: the plain functions' way of saying no, with the HTTP status it means.

Functions outside the routes raise Refused (or a subclass) with a message
written for the person; shuffify.web.routes.common turns it into the one JSON
error shape, so no plain function imports bottle. `details` are more fields of
that shape (a link to follow, say) beside "status" and "message".
"""


class Refused(Exception):
    status = 400

    def __init__(self, message: str, status: int | None = None, **details: str):
        super().__init__(message)
        self.message = message
        self.details = details
        if status is not None:
            self.status = status


class NotFound(Refused):
    status = 404


class Forbidden(Refused):
    status = 403


class Conflict(Refused):
    status = 409


class Busy(Refused):
    """Try again shortly: work in progress will settle it."""

    status = 503
