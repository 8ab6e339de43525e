"""Login sessions and sign-in history (issue 23): /api/login-sessions.

The issue's /api/sessions is taken: /api/sessions/<id> names saved workshop sessions, so
these live at /api/login-sessions. On SQLite and PostgreSQL. Covered: the live sessions
with a coarse device, created and last used, the current one marked, and the last sign-ins;
ending one (its browser is signed out at once; another user's is 404); ending all the
others; the device names; no IP address stored anywhere in the session's row.
"""

import pytest

from shuffify.accounts.devices import device
from shuffify.models import LoginSession

FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def ok(response, status: int = 200):
    assert response.status == status, response.raw
    return response.json


@pytest.mark.parametrize(
    ("agent", "name"),
    [
        (FIREFOX_LINUX, "Firefox on Linux"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0 Safari/537.36 Edg/126.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari on iOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        ("", "A browser on an unknown system"),
    ],
)
def test_the_device_is_coarse(agent, name):
    assert device(agent) == name


def test_sessions_list_each_browser_the_current_one_marked(sign_in):
    laptop, phone = sign_in("ada"), sign_in("ada")
    listed = ok(phone.get("/api/login-sessions"))
    assert [s["current"] for s in listed["sessions"]] == [True, False]
    first = listed["sessions"][1]
    assert set(first) == {"id", "device", "created_at", "last_used_at", "current"}
    assert first["device"] == "A browser on an unknown system"
    assert [row["kind"] for row in listed["history"]] == ["sign-in", "sign-in"]
    assert ok(laptop.get("/api/login-sessions"))["sessions"][1]["current"] is True


def test_a_sign_in_stores_the_device_and_no_ip_address(sign_in):
    sign_in("ada")
    [row] = LoginSession.select()
    columns = set(row._meta.columns)
    assert row.device and not any("ip" in name.split("_") for name in columns)
    assert not any(name in columns for name in ("ip", "ip_address", "remote_addr"))


def test_ending_one_signs_that_browser_out(sign_in):
    laptop, phone = sign_in("ada"), sign_in("ada")
    other = ok(phone.get("/api/login-sessions"))["sessions"][1]["id"]
    assert phone.delete(f"/api/login-sessions/{other}").status == 204
    assert laptop.get("/api/me").status == 401
    assert phone.get("/api/me").status == 200
    assert phone.delete(f"/api/login-sessions/{other}").status == 404


def test_another_users_session_is_404_and_stays(sign_in):
    ada, bob = sign_in("ada"), sign_in("bob")
    bobs = ok(bob.get("/api/login-sessions"))["sessions"][0]["id"]
    assert ada.delete(f"/api/login-sessions/{bobs}").status == 404
    assert bob.get("/api/me").status == 200


def test_end_others_keeps_only_the_current_one(sign_in):
    first, second, third = sign_in("ada"), sign_in("ada"), sign_in("ada")
    assert ok(third.post("/api/login-sessions/end-others"))["ended"] == 2
    assert first.get("/api/me").status == second.get("/api/me").status == 401
    assert [s["current"] for s in ok(third.get("/api/login-sessions"))["sessions"]] == [True]


def test_writes_need_the_csrf_token(sign_in):
    ada, other = sign_in("ada"), sign_in("ada")
    assert ada.write("POST", "/api/login-sessions/end-others", csrf="").status == 403
    assert other.get("/api/me").status == 200
