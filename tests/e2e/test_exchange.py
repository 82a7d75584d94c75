"""A real browser on a phone-sized screen: the citizen's data-usage page and a dispute sent
from it without JavaScript, and the data administrator's catalogue and grant pages; axe finds
nothing serious on any of them."""

import pytest
from django.test import Client

from tests.conftest import force_sign_in
from tests.e2e.conftest import axe_violations

# The exchange's fixtures, imported to be used here: their names reappear as parameters.
# ruff: noqa: F811
from tests.exchange.conftest import (  # noqa: F401
    ZHANG,
    departments,
    fast_hashing,
    fresh_registry_cache,
    grant_for,
    make_citizen,
    make_client,
    make_official,
    make_registry,
    people,
)
from tongban.exchange import gateway
from tongban.exchange.models import CorrectionRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(context, live_server, account) -> None:
    client = Client()
    force_sign_in(client, account)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_the_citizen_reads_who_used_their_data_and_disputes_a_value(
    live_server, browser, people, make_client, grant_for, make_citizen
):
    civil = make_client("民政局", "marriage")
    grant_for(civil, people, ["name", "marital_status"])
    gateway.fetch_for_case(
        client=civil,
        registry_code="people",
        subject_id=ZHANG,
        fields=["marital_status"],
        purpose="结婚登记",
        case_reference="MZ-2026-0001",
    )
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 375, "height": 812}, locale="zh-CN"
    )
    try:
        sign_in(context, live_server, make_citizen(ZHANG, "张伟"))
        page = context.new_page()
        page.goto(live_server.url + "/me/data-usage/")
        assert page.get_by_role("heading", level=1).inner_text() == "我的数据使用记录"
        assert "MZ-2026-0001" in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.get_by_role("link", name="数据有误").click()
        page.wait_for_load_state()
        page.get_by_label("正确的值").fill("离异")
        page.get_by_label("有误的理由").fill("已于2025年办理离婚登记")
        page.get_by_role("button", name="提交").click()
        page.wait_for_load_state()
        assert page.url.endswith("/me/data-usage/")
        assert "5 个工作日内答复" in page.content()
    finally:
        context.close()
    assert CorrectionRequest.objects.get().claimed_value == "离异"


def test_the_citizen_pages_pass_axe(live_server, page, people, make_citizen):
    sign_in(page.context, live_server, make_citizen(ZHANG, "张伟"))
    page.goto(live_server.url + "/me/data-usage/")
    assert axe_violations(page) == []


def test_the_data_administrators_pages_pass_axe(
    live_server, page, people, make_client, make_official
):
    make_client("民政局", "marriage")
    sign_in(page.context, live_server, make_official("民政局", "data_admin"))
    for path in ("/exchange/catalogue/", "/exchange/catalogue/R/people/", "/exchange/grants/"):
        page.goto(live_server.url + path)
        assert page.get_by_role("heading", level=1).is_visible()
        assert axe_violations(page) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
