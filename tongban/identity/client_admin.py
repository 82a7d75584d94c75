"""The admin of OpenID Connect clients for platform operators (imported by
django-oauth-toolkit's admin through APPLICATION_ADMIN_CLASS)."""

from django.contrib import admin
from oauth2_provider.admin import ApplicationAdmin

from tongban.identity.models import OidcClient


class OidcClientInline(admin.StackedInline):
    model = OidcClient
    can_delete = False
    extra = 0
    autocomplete_fields = ()


class ClientAdmin(ApplicationAdmin):
    """Applications with Tongban's sector (pairwise subjects) and department."""

    inlines = [OidcClientInline]
