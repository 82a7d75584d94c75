"""The platform's HTTP API at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Each app contributes a router here; conventions live in `tongban.core.api`."""

from ninja import NinjaAPI
from ninja.security import django_auth

from tongban.core.api import install_error_handlers

api = NinjaAPI(
    title="Tongban API",
    version="1.0",
    description="Tongban (通办) digital-government platform API.",
    urls_namespace="api_v1",
    auth=django_auth,
)
install_error_handlers(api)
api.add_router("/exchange/", "tongban.exchange.api.router")
