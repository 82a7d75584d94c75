"""Security headers: a strict CSP everywhere, no caching of signed-in pages."""

import pytest

pytestmark = pytest.mark.django_db


def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_contain_no_inline_scripts_or_styles(client):
    html = client.get("/").content.decode()
    assert "<script>" not in html and "style=" not in html and "<style" not in html
    assert "<script src=" in html


def test_signed_in_pages_are_not_stored(client, django_user_model):
    anonymous = client.get("/")
    assert "no-store" not in anonymous.get("Cache-Control", "")
    account = django_user_model.objects.create_user(
        "someone", "a-long-password-1", display_name="x", kind="person"
    )
    client.force_login(account)
    assert client.get("/")["Cache-Control"] == "no-store"


def test_other_security_headers(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
