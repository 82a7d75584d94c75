"""A retiree's 老年人优待证 in the wallet, shown as a QR code; a verifier who is not signed in
scans it with a phone camera, which opens the verify page (the code in the URL fragment), and
sees "genuine" with only the disclosed details."""

import io

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import force_sign_in
from tests.e2e.conftest import axe_violations
from tests.licences.conftest import SENIOR_FIELDS, department, make_citizen, make_official
from tongban.identity.models import Role
from tongban.licences import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in_context(browser, live_server, account):
    client = Client()
    force_sign_in(client, account)
    context = browser.new_context(
        viewport={"width": 375, "height": 812},
        locale="zh-CN",
        device_scale_factor=3,
        bypass_csp=True,
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
    return context


def scan(page, selector: str) -> str:
    """Read the QR code on screen the way a phone would: from pixels."""
    import zxingcpp
    from PIL import Image

    image = Image.open(io.BytesIO(page.locator(selector).screenshot()))
    results = zxingcpp.read_barcodes(image)
    assert results, "no QR code found on screen"
    return results[0].text


def test_a_verifier_scans_the_retirees_senior_card(live_server, browser, demo_licences):
    retiree = make_citizen("wangxiuying")
    approver = make_official("mz-approver", "民政局", Role.APPROVER)
    services.issue_licence(
        licence_type="senior_card",
        issuer=department("民政局"),
        holder=retiree.person,
        fields=SENIOR_FIELDS,
        source_case="CASE-E2E-1",
        actor=approver,
    )

    holder = signed_in_context(browser, live_server, retiree)
    page = holder.new_page()
    page.goto(live_server.url + "/licences/")
    card = page.get_by_role("heading", name="老年人优待证")
    assert card.is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="老年人优待证", exact=False).click()
    page.wait_for_load_state()
    assert retiree.person.id_number not in page.content()  # masked on screen
    assert axe_violations(page) == []
    page.get_by_role("button", name="出示二维码").click()
    page.wait_for_load_state()
    assert axe_violations(page) == []
    scanned = scan(page, "#presentation-qr")
    payload = page.locator("#presentation-text").input_value()
    # the QR holds the public verify page's URL with the presentation in its fragment
    assert scanned == f"{live_server.url}/licences/verify/#p={payload}"
    holder.close()

    # the verifier's phone camera opens that URL; the page checks the code by itself
    verifier = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    page = verifier.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        page.goto(scanned)
        page.wait_for_selector("#verdict")
        assert "#p=" not in page.url  # the fragment is dropped from the address bar
        assert not any(payload in url for url in requested)  # and never sent in a URL
        verdict = page.locator("#verdict")
        assert "真实有效" in verdict.inner_text() or "真实" in verdict.inner_text()
        assert verdict.locator("[data-reason]").get_attribute("data-reason") == "genuine"
        disclosed = page.locator("#disclosed").inner_text()
        assert "王秀英" in disclosed and "60" in disclosed
        body = page.locator("main").inner_text()
        for hidden in ("1959", "通江区", retiree.person.id_number[-4:]):
            assert hidden not in body
        assert page.evaluate("document.documentElement.scrollWidth") <= 375

        # without JavaScript a verifier pastes what a QR app read: the same code a second
        # time is refused as replayed
        page.get_by_label("二维码内容或证照标识").fill(scanned)
        page.get_by_role("button", name="核验").click()
        page.wait_for_load_state()
        assert page.locator("[data-reason]").get_attribute("data-reason") == "replayed"
    finally:
        verifier.close()
