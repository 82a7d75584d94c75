"""A real browser: a citizen applies for a two-department matter with an upload; an approver
of each department reviews at the same time, the lead department decides; the citizen sees
the result."""

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import force_sign_in
from tests.e2e.conftest import axe_violations
from tests.intake.conftest import PDF, make_version, official, person_account
from tongban.core.models import Department
from tongban.intake.models import Application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in_page(browser, live_server, account):
    client = force_sign_in(Client(), account)
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, locale="zh-CN", bypass_csp=True
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def decide(page, live_server, application, step, outcome, reasons=""):
    page.goto(f"{live_server.url}/workbench/cases/{application.pk}/")
    section = page.locator("section", has=page.locator(f"input[name=outcome][value={outcome}]"))
    radio = section.locator(f"input[name=outcome][value={outcome}]")
    section.locator(f"label[for={radio.get_attribute('id')}]").click()
    if reasons:
        section.locator("form[action$='/decide/'] textarea[name=reasons]").fill(reasons)
    section.locator("form[action$='/decide/'] button[type=submit]").click()
    page.wait_for_load_state()


def test_two_departments_approve_an_online_application(
    live_server, browser, demo_accounts, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    health = Department.objects.get(short_name="卫生健康委员会")
    police = Department.objects.get(short_name="公安局")
    version = make_version(
        health, process="parallel_review", involved=[police], name="出生医学证明签发（演示）"
    )
    citizen = signed_in_page(browser, live_server, person_account("zhangwei"))
    citizen.goto(f"{live_server.url}/apply/{version.pk}/")
    assert axe_violations(citizen) == []
    citizen.fill("#id_f_child_name", "张小宝")
    citizen.click("label[for=id_f_child_gender_0]")  # USWDS radios: the label is the target
    citizen.locator("main form button[type=submit]").click()
    citizen.wait_for_url("**/edit/")
    citizen.select_option("select[name=material]", "birth_record")
    citizen.set_input_files(
        "input[name=file]",
        files=[{"name": "出生登记表.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    citizen.locator("form[action$='/materials/'] button[type=submit]").click()
    citizen.wait_for_url("**/edit/")
    assert "出生登记表.pdf" in citizen.content()
    citizen.locator("button[name=submit]").click()
    citizen.wait_for_url("**/receipt/")
    application = Application.objects.get(version=version)
    assert application.number in citizen.content()
    assert axe_violations(citizen) == []

    lead = signed_in_page(browser, live_server, official("wjw.approver"))
    co = signed_in_page(browser, live_server, official("gaj.approver"))
    decide(lead, live_server, application, "accept", "accept")
    # Both departments now review at the same time, each in its own queue.
    co.goto(f"{live_server.url}/workbench/cases/")
    assert application.number in co.content()
    decide(co, live_server, application, "co_review", "approve")
    decide(lead, live_server, application, "lead_review", "approve")
    assert axe_violations(lead) == []
    decide(lead, live_server, application, "decide", "approve", reasons="符合法定条件，准予办理。")
    application.refresh_from_db()
    assert application.status == "approved"

    citizen.goto(f"{live_server.url}/applications/{application.pk}/")
    text = citizen.content()
    assert "准予许可" in text and "符合法定条件，准予办理。" in text
    assert axe_violations(citizen) == []
