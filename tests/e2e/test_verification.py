"""Raising assurance in a real browser, on the demo city: 黄军 (L1) verifies his real name
against the demo's population registry from the personal centre, and 公安局's counter clerk
verifies 刘洋 in person at the workbench. Both pages pass axe and fit a phone."""

import base64

import pytest
from django_otp.oath import totp

from tests.e2e.conftest import axe_violations
from tongban.demo import people
from tongban.demo.accounts import DEMO_PASSWORD, totp_secret
from tongban.demo.seed import seed_demo
from tongban.exchange.models import AccessLog
from tongban.identity.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    return seed_demo()


def sign_in(page, url, login, *, official=False):
    page.goto(url + "/account/login/")
    page.fill("#id_username", login)
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    if official:
        page.wait_for_url("**/account/login/verify/")
        code = totp(base64.b32decode(totp_secret(login)))
        page.fill("#id_code", f"{code:06d}")
        page.get_by_role("button", name="继续").click()


def test_a_citizen_and_a_counter_clerk_raise_assurance(live_server, page, browser, demo):
    huangjun = people.person("huangjun")
    sign_in(page, live_server.url, huangjun.phone)
    page.wait_for_url("**/me/")
    assert axe_violations(page) == []  # the profile of an L1 citizen, with its invitation
    page.get_by_role("link", name="通过人口库核验我的实名信息").click()
    page.wait_for_url("**/me/verify-real-name/")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("button", name="向人口库核对").click()
    page.wait_for_url("**/me/")
    assert "L2" in page.content() and "人口库比对核验" in page.content()
    line = AccessLog.objects.get(purpose__startswith="实名核验")
    page.goto(live_server.url + "/me/data-usage/")
    assert line.case_reference in page.content()

    clerk = browser.new_context(
        viewport={"width": 375, "height": 812}, locale="zh-CN", bypass_csp=True
    ).new_page()
    try:
        sign_in(clerk, live_server.url, "gaj.clerk", official=True)
        clerk.wait_for_url("**/workbench/")
        clerk.get_by_role("link", name="身份核验").click()
        clerk.wait_for_url("**/workbench/identity/")
        liuyang = people.person("liuyang")
        clerk.fill("#id_id_number", liuyang.id_number)
        clerk.get_by_role("button", name="查找").click()
        assert liuyang.id_number not in clerk.content()
        assert "刘洋" in clerk.content()
        assert axe_violations(clerk) == []
        assert clerk.evaluate("document.documentElement.scrollWidth") <= 375
        # USWDS draws its own radio and checkbox: people click the labels
        clerk.locator("label[for=counter-document_0]").click()
        clerk.locator("label[for=counter-checked]").click()
        clerk.get_by_role("button", name="记录核验结果").click()
        clerk.wait_for_url("**/workbench/identity/")
        assert "已完成核验" in clerk.content()
        person = Person.objects.get(id_number_index=Person.index_for(liuyang.id_number))
        assert (person.assurance, person.assurance_method) == (3, "counter")
    finally:
        clerk.context.close()
