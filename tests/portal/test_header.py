"""The header's account links follow the session: sign in for a visitor; personal centre and
sign out (a POST form with its CSRF token, no script) for a signed-in citizen; an official also
gets the workbench."""

import re

import pytest
from django.test import Client

from tests.conftest import force_sign_in
from tongban.identity.models import Account

pytestmark = pytest.mark.django_db


def header(response) -> str:
    html = response.content.decode()
    return html[html.index("<header") : html.index("</header>")]


@pytest.fixture
def citizen(db):
    return Account.objects.create_user(
        "citizen-header", "a-long-password-1", kind=Account.Kind.PERSON, display_name="张伟"
    )


@pytest.fixture
def official(db):
    return Account.objects.create_user(
        "official-header", "a-long-password-1", kind=Account.Kind.OFFICIAL, display_name="李娜"
    )


def test_a_visitor_is_offered_sign_in_back_to_the_page(client):
    html = header(client.get("/personal/"))
    assert '<a href="/account/login/?next=%2Fpersonal%2F">登录</a>' in html
    assert "个人中心" not in html and "退出登录" not in html and "工作台" not in html


def test_the_way_back_after_sign_in_never_carries_the_query(client):
    html = header(client.get("/search/", {"q": "出生医学证明"}))
    assert 'href="/account/login/?next=%2Fsearch%2F"' in html
    assert "q=" not in html.split('class="tb-account"')[1]


def test_on_the_sign_in_page_the_link_is_the_current_page(client):
    html = header(client.get("/account/login/"))
    assert '<a href="/account/login/" aria-current="page">登录</a>' in html


def test_a_signed_in_citizen_sees_personal_centre_and_sign_out(client, citizen):
    force_sign_in(client, citizen)
    html = header(client.get("/"))
    assert '<a href="/me/">个人中心</a>' in html
    form = re.search(r'<form class="tb-account__sign-out" action="([^"]+)" method="post">', html)
    assert form and form.group(1) == "/account/logout/"
    assert 'name="csrfmiddlewaretoken"' in html.split('class="tb-account__sign-out"')[1]
    assert ">退出登录</button>" in html
    assert "工作台" not in html and ">登录<" not in html


def test_the_personal_centre_link_marks_the_current_page(client, citizen):
    force_sign_in(client, citizen)
    assert '<a href="/me/" aria-current="page">个人中心</a>' in header(client.get("/me/"))


def test_an_official_also_gets_the_workbench(client, official):
    force_sign_in(client, official)
    html = header(client.get("/"))
    assert '<a href="/workbench/">工作台</a>' in html
    assert '<a href="/me/security/">个人中心</a>' in html
    assert ">退出登录</button>" in html


def test_the_links_are_translated(client, citizen):
    force_sign_in(client, citizen)
    client.cookies["django_language"] = "en"
    html = header(client.get("/"))
    assert ">Personal centre</a>" in html and ">Sign out</button>" in html
    client.cookies["django_language"] = "zh-hant"
    html = header(client.get("/"))
    assert ">個人中心</a>" in html and ">退出登入</button>" in html


def test_sign_out_from_the_header_ends_the_session(citizen):
    client = Client(enforce_csrf_checks=True)
    force_sign_in(client, citizen)
    html = header(client.get("/departments/"))
    form = html.split('class="tb-account__sign-out"')[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)

    response = client.post("/account/logout/", {"csrfmiddlewaretoken": token})

    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/")
    assert "您已退出登录。" in page.content.decode()
    assert ">登录</a>" in header(page) and "个人中心" not in header(page)
    assert client.get("/me/")["Location"].startswith("/account/login/")


def test_sign_out_is_refused_without_the_csrf_token(citizen):
    client = Client(enforce_csrf_checks=True)
    force_sign_in(client, citizen)
    client.get("/")

    assert client.post("/account/logout/").status_code == 403
    assert client.get("/me/").status_code == 200  # still signed in


def test_sign_out_is_refused_by_a_link(client, citizen):
    force_sign_in(client, citizen)

    assert client.get("/account/logout/").status_code == 405
    assert client.get("/me/").status_code == 200
