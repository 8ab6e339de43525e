"""The schedules page and the user's settings in a real browser (issue 23), with
conftest.py's fixtures: the default algorithm and its parameters chosen on the settings
page are preselected in the new-schedule form (at first, after a create and after cancelling
an edit), and a schedule made without touching them stores them; a cron schedule runs in the
user's time zone, and its next run is shown in that zone, not the browser's. Every test
fails on a console error.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from browser_pages import (
    BROWSER_ZONE,
    DEEP_FOCUS,
    csrf,
    expect,
    schedules_loaded,
    sign_in,
    status,
)


def test_the_default_algorithm_is_preselected_in_a_new_schedule(page, site):
    sign_in(page, site)
    page.goto(site.url + "/settings")
    expect(page.get_by_label("Time zone")).not_to_have_value("")
    page.get_by_label("Default algorithm").select_option("artist_spacing")
    page.get_by_label("Min spacing").fill("3")
    page.get_by_role("button", name="Save settings").click()
    expect(status(page)).to_have_text("Settings saved.")

    page.get_by_role("link", name="Schedules").click()
    schedules_loaded(page)
    expect(page.get_by_label("Algorithm")).to_have_value("artist_spacing")
    expect(page.get_by_label("Min spacing")).to_have_value("3")

    page.get_by_label("What to do").select_option("shuffle")
    page.get_by_label("Playlist to change").select_option(label="Deep Focus")
    page.get_by_role("button", name="Create schedule").click()
    card = page.locator(".schedule", has_text="Shuffle: Deep Focus")
    expect(card).to_contain_text("Shuffle with Artist spacing")
    [stored] = page.request.get(site.url + "/api/schedules").json()["schedules"]
    assert stored["target_playlist_id"] == DEEP_FOCUS
    assert stored["algorithm_name"] == "artist_spacing"
    assert stored["algorithm_params"]["min_spacing"] == 3
    expect(page.get_by_label("Algorithm")).to_have_value("artist_spacing")  # the form again

    page.get_by_label("Algorithm").select_option("basic")
    page.get_by_role("button", name="Edit Shuffle: Deep Focus").click()
    page.get_by_role("button", name="Cancel editing").click()
    expect(page.get_by_label("Algorithm")).to_have_value("artist_spacing")
    expect(page.get_by_label("Min spacing")).to_have_value("3")


def test_a_cron_schedule_runs_and_shows_its_next_run_in_the_users_time_zone(page_elsewhere, site):
    page = page_elsewhere
    sign_in(page, site)
    token = csrf(page)
    zone = page.request.patch(
        site.url + "/api/settings", data={"timezone": "Asia/Tokyo"}, headers={"X-CSRF-Token": token}
    )
    assert zone.ok

    page.goto(site.url + "/schedules")
    schedules_loaded(page)
    page.get_by_label("What to do").select_option("shuffle")
    page.get_by_label("Playlist to change").select_option(label="Deep Focus")
    page.get_by_label("Cron expression (Asia/Tokyo)").check()
    page.get_by_label("Cron expression", exact=True).fill("0 9 * * *")
    page.get_by_role("button", name="Create schedule").click()
    card = page.locator(".schedule", has_text="Shuffle: Deep Focus")
    expect(card).to_contain_text("Cron “0 9 * * *” (Asia/Tokyo)")

    [stored] = page.request.get(site.url + "/api/schedules").json()["schedules"]
    assert stored["timezone"] == "Asia/Tokyo"
    next_run = datetime.fromisoformat(stored["next_run_at"]).replace(tzinfo=UTC)
    assert next_run.astimezone(ZoneInfo("Asia/Tokyo")).hour == 9
    shown = card.locator("dd time").first
    expect(shown).to_have_attribute("datetime", stored["next_run_at"])
    tokyo, browsers = page.evaluate(
        """([iso, zones]) => zones.map((timeZone) => new Date(iso + "Z")
             .toLocaleString(undefined, {dateStyle: "medium", timeStyle: "short", timeZone}))""",
        [stored["next_run_at"], ["Asia/Tokyo", BROWSER_ZONE]],
    )
    assert tokyo != browsers
    expect(shown).to_have_text(tokyo)
