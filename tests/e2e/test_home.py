"""A real browser opens the home page, switches to English and back, and axe finds nothing
serious."""

import pytest

from tests.e2e.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_language_switch_and_accessibility(live_server, page):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.get_by_role("heading", level=1).inner_text() == "一个号、一张网、一扇门、跑一次"
    assert axe_violations(page) == []

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "One account" in page.get_by_role("heading", level=1).inner_text()
    assert axe_violations(page) == []

    page.get_by_role("button", name="简体中文").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"

    # Phone width: nothing is wider than the screen.
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375


def test_home_page_works_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 812})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"
        page.fill("#search-field", "birth")
        page.get_by_role("button", name="Search").click()
        page.wait_for_load_state()
        assert "/search/" in page.url
    finally:
        context.close()


def test_csp_allows_everything_the_page_needs(live_server, browser):
    context = browser.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    try:
        page.goto(live_server.url + "/")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("typeof window.htmx") == "object"  # the script loaded under CSP
        assert violations == []
    finally:
        context.close()
