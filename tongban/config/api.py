"""The platform's HTTP API at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Each app contributes a router here; conventions live in `tongban.core.api`."""

from ninja import NinjaAPI
from ninja.security import django_auth

from tongban.core.api import install_error_handlers
from tongban.identity.api import router as identity_router
from tongban.ledger.api import router as ledger_router
from tongban.licences.api import router as licences_router

api = NinjaAPI(
    title="Tongban API",
    version="1.0",
    description="Tongban (通办) digital-government platform API.",
    urls_namespace="api_v1",
    auth=django_auth,
)
install_error_handlers(api)
api.add_router("/licences/", licences_router)
api.add_router("/identity/", identity_router)
api.add_router("/catalog/", "tongban.catalog.api.router")
api.add_router("/ledger/", ledger_router)
api.add_router("/exchange/", "tongban.exchange.api.router")
api.add_router("/applications/", "tongban.intake.api.router")
