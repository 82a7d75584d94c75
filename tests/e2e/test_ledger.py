"""A real browser: the ledger page finds a record by number, the verify page explains the
proof; both fit a phone screen, work without JavaScript and pass axe."""

import pytest

from tests.e2e.conftest import axe_violations
from tests.ledger.conftest import record, seal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_find_and_verify_a_record_on_a_phone(live_server, page):
    record(25)
    seal()
    page.goto(live_server.url + "/ledger/")
    assert page.get_by_role("heading", level=1).inner_text() == "防篡改账本"
    assert axe_violations(page) == []
    page.get_by_label("记录序号").fill("7")
    page.get_by_role("button", name="查验").click()
    page.wait_for_load_state()
    assert page.url.endswith("/ledger/verify/7/")
    assert "已验证" in page.get_by_role("status").inner_text()
    page.get_by_text("技术细节").click()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_verify_page_works_without_javascript_in_english(live_server, browser):
    record(3)
    seal()
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 375, "height": 812}, locale="en"
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + "/ledger/")
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
        page.get_by_label("Record number").fill("two")
        page.get_by_role("button", name="Check").click()
        page.wait_for_load_state()
        assert "Enter the record number as digits" in page.content()
        page.get_by_label("Record number").fill("2")
        page.get_by_role("button", name="Check").click()
        page.wait_for_load_state()
        assert "What was proven" in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        context.close()
