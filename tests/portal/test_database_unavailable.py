"""A request that cannot reach the database (PostgreSQL restarting) is answered 503 with
Retry-After — JSON under /api/, plain text elsewhere — not a 500 (regression: the fault tests
saw 500s during `pg_ctlcluster restart`)."""

from django.db import OperationalError
from django.test import override_settings
from django.urls import path

from tongban.config import urls as project_urls


def lost(request):
    raise OperationalError("connection failed: the database system is starting up")


urlpatterns = [path("api/v1/lost", lost), path("lost/", lost), *project_urls.urlpatterns]
handler500 = project_urls.handler500


@override_settings(ROOT_URLCONF=__name__)
def test_database_outage_is_503_with_retry_after(client):
    client.raise_request_exception = False
    api = client.get("/api/v1/lost")
    assert api.status_code == 503
    assert api["Retry-After"] == "5"
    assert api.json()["code"] == "unavailable"
    page = client.get("/lost/")
    assert page.status_code == 503
    assert page["Retry-After"] == "5"
    assert "starting up" not in page.content.decode() + api.content.decode()
