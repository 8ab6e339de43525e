"""A rule's schedule on the Schedules page, and times in the user's zone on every page, in a
real browser with conftest.py's fixtures: a rule's schedule is listed by the rule's name
and its target, with its timing, next run and runs and a link to the Rules page; its timing
is changed and it is paused there (the API keeps it a rule schedule of the same rule); a
scheduled backup is listed in words too; the Rules and Schedules pages write times in the
user's time zone, not the browser's, and api.js's when() falls back to the browser's zone.
Every test fails on a console error.
"""

from browser_pages import (
    BROWSER_ZONE,
    DEEP_FOCUS,
    api,
    expect,
    schedules_loaded,
    sign_in,
    status,
)
from demo_data import playlist_id

EVERYTHING = playlist_id("Everything, Ever")
NEWEST = {
    "name": "Newest 100",
    "target_playlist_id": EVERYTHING,
    "sources": [{"type": "target"}],
    "filters": [{"type": "limit", "count": 100, "from": "newest"}],
    "order": None,
    "sink": {"mode": "replace"},
}
LABEL = "Rule “Newest 100” → Everything, Ever"


def rule_schedule(page, site, **timing) -> tuple[dict, dict]:
    """The rule Newest 100 and its schedule, made through the API as the Rules page makes them."""
    rule = api(page, "POST", "/api/rules", NEWEST)
    body = {"job_type": "rule", "rule_id": rule["id"], **timing}
    return rule, api(page, "POST", "/api/schedules", body)


def stored(page, site) -> dict:
    [schedule] = api(page, "GET", "/api/schedules")["schedules"]
    return schedule


def in_zones(page, iso: str, zones: list[str]) -> list[str]:
    """iso (naive UTC) written in each zone, as the pages write times."""
    return page.evaluate(
        """([iso, zones]) => zones.map((timeZone) => new Intl.DateTimeFormat(undefined,
             {dateStyle: "medium", timeStyle: "short", timeZone}).format(new Date(iso + "Z")))""",
        [iso, zones],
    )


def test_a_rule_schedule_is_listed_by_its_rule_and_target_with_a_link_to_the_rules_page(page, site):
    sign_in(page, site)
    rule, made = rule_schedule(page, site, schedule_type="interval", schedule_value="weekly")
    page.goto(site.url + "/schedules")
    schedules_loaded(page)

    card = page.locator(".schedule", has_text=LABEL)
    expect(card.locator("h3")).to_contain_text(LABEL)
    expect(card).not_to_contain_text("undefined")
    expect(card).not_to_contain_text("shuffle with")
    what = card.locator("dd").nth(0)
    expect(what).to_contain_text("Runs the rule “Newest 100” on Everything, Ever")
    link = card.get_by_role("link", name="Change the rule “Newest 100” on the Rules page")
    expect(link).to_have_attribute("href", "/rules")
    expect(card.locator("dd").nth(1)).to_have_text("Weekly")
    expect(card.locator("dd").nth(2).locator("time")).to_have_attribute(
        "datetime", made["next_run_at"]
    )
    expect(card.locator("dd").nth(3)).to_have_text("never")

    page.get_by_role("button", name=f"Run {LABEL} now").click()
    run = card.locator(".runs tbody tr").first
    expect(run).to_have_attribute("data-status", "success", timeout=30_000)
    expect(status(page)).to_contain_text("The run finished: success")
    expect(card.locator("dd").nth(3).locator(".badge")).to_have_text("success")
    assert len(site.fake.playlist_uris(EVERYTHING)) == 100  # the rule's run, not a shuffle
    [rule_run] = api(page, "GET", f"/api/rules/{rule['id']}/runs")["runs"]
    assert rule_run["status"] == "success"

    link.click()
    page.wait_for_url(site.url + "/rules")
    expect(page.locator("li.rule", has_text="Newest 100")).to_be_visible()


def test_a_rule_schedules_timing_is_changed_and_paused_from_the_schedules_page(page, site):
    sign_in(page, site)
    rule, made = rule_schedule(page, site, schedule_type="interval", schedule_value="weekly")
    page.goto(site.url + "/schedules")
    schedules_loaded(page)
    card = page.locator(".schedule", has_text=LABEL)

    page.get_by_role("button", name=f"Edit {LABEL}").click()
    expect(page.locator("#form-heading")).to_have_text(f"Edit: {LABEL}")
    expect(page.get_by_label("What to do")).to_be_hidden()  # a rule stays a rule
    expect(page.get_by_label("Playlist to change")).to_be_hidden()  # the rule's target
    expect(page.locator("#algorithm-block")).to_be_hidden()
    expect(page.locator("#sources-fieldset")).to_be_hidden()
    note = page.locator("#rule-note")
    expect(note).to_contain_text("This schedule runs the rule “Newest 100” on Everything, Ever")
    expect(note.get_by_role("link")).to_have_attribute("href", "/rules")
    expect(page.get_by_label("Interval")).to_be_focused()
    expect(page.get_by_label("Interval")).to_have_value("weekly")

    page.get_by_label("Cron expression (UTC)").check()
    page.get_by_label("Cron expression", exact=True).fill("30 6 * * 1-5")
    page.get_by_role("button", name="Save changes").click()
    expect(status(page)).to_have_text("Schedule saved.")
    expect(card.locator("dd").nth(1)).to_have_text("Cron “30 6 * * 1-5” (UTC)")
    saved = stored(page, site)
    assert (saved["job_type"], saved["rule_id"], saved["target_playlist_id"]) == (
        "rule",
        rule["id"],
        EVERYTHING,
    )
    assert (saved["schedule_type"], saved["schedule_value"]) == ("cron", "30 6 * * 1-5")
    assert saved["next_run_at"] != made["next_run_at"]
    expect(page.locator("#form-heading")).to_have_text("New schedule")
    expect(page.get_by_label("What to do")).to_be_visible()
    expect(note).to_be_hidden()

    page.get_by_role("button", name=f"Pause {LABEL}").click()
    expect(card.locator(".badge").first).to_have_text("paused")
    assert stored(page, site)["is_enabled"] is False
    page.get_by_role("button", name=f"Resume {LABEL}").click()
    expect(card.locator(".badge").first).to_have_text("enabled")
    resumed = stored(page, site)
    assert (resumed["is_enabled"], resumed["job_type"], resumed["rule_id"]) == (
        True,
        "rule",
        rule["id"],
    )


def test_a_scheduled_backup_is_listed_in_words_and_edited_as_a_backup(page, site):
    sign_in(page, site)
    api(
        page,
        "POST",
        "/api/schedules",
        {"job_type": "snapshot", "target_playlist_id": DEEP_FOCUS, "schedule_value": "daily"},
    )
    page.goto(site.url + "/schedules")
    schedules_loaded(page)
    card = page.locator(".schedule", has_text="Back up: Deep Focus")
    expect(card).to_contain_text("Keep a snapshot of the playlist when it has changed")
    expect(card).not_to_contain_text("undefined")

    page.get_by_role("button", name="Edit Back up: Deep Focus").click()
    expect(page.get_by_label("What to do")).to_have_value("snapshot")
    page.get_by_label("Interval").select_option("every_3d")
    page.get_by_role("button", name="Save changes").click()
    expect(card).to_contain_text("Every 3 days")
    saved = stored(page, site)
    assert (saved["job_type"], saved["schedule_value"]) == ("snapshot", "every_3d")


def test_times_on_the_rules_and_schedules_pages_are_in_the_users_zone(page_elsewhere, site):
    page = page_elsewhere
    sign_in(page, site)
    assert api(page, "PATCH", "/api/settings", {"timezone": "Asia/Tokyo"})
    rule_schedule(page, site, schedule_type="interval", schedule_value="every_6h")
    next_run = stored(page, site)["next_run_at"]
    tokyo, browsers = in_zones(page, next_run, ["Asia/Tokyo", BROWSER_ZONE])
    assert tokyo != browsers

    page.get_by_role("link", name="Rules", exact=True).click()
    expect(page.locator("#rules-loading")).to_be_hidden()
    next_shown = page.locator("li.rule", has_text="Newest 100").locator(".next-run")
    expect(next_shown).to_have_text(f"{tokyo}, then every 6 hours")

    page.get_by_role("link", name="Schedules").click()
    schedules_loaded(page)
    card = page.locator(".schedule", has_text=LABEL)
    expect(card.locator("dd").nth(2)).to_have_text(tokyo)


def test_when_falls_back_to_the_browsers_zone(page_elsewhere, site):
    page = page_elsewhere
    sign_in(page, site)
    iso = "2024-07-01T12:00:00"
    [browsers] = in_zones(page, iso, [BROWSER_ZONE])
    shown = page.evaluate(
        """(iso) => ["UTC", "Not/A_Zone", ""].map((zone) => {
             document.documentElement.dataset.timezone = zone;
             return window.Shuffify.when(iso);
           })""",
        iso,
    )
    assert shown == [in_zones(page, iso, ["UTC"])[0], browsers, browsers]
