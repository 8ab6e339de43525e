"""Waiting for something another process or thread does: bounded polling, not sleeps."""

import time


def wait_until(condition, message, timeout: float = 60):
    """condition()'s first truthy result, polled every 50 ms; fail after timeout.

    message is a string, or a function giving one when the wait fails.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"{message() if callable(message) else message} (waited {timeout}s)")
