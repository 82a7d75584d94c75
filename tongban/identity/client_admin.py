"""The admin of OpenID Connect clients for platform operators (imported by
django-oauth-toolkit's admin through APPLICATION_ADMIN_CLASS)."""

from django.contrib import admin
from oauth2_provider.admin import ApplicationAdmin
from oauth2_provider.models import Application

from tongban.identity.models import OidcClient


class OidcClientInline(admin.StackedInline):
    model = OidcClient
    can_delete = False
    extra = 0
    autocomplete_fields = ()


class ClientAdmin(ApplicationAdmin):
    """Applications with Tongban's sector (pairwise subjects) and department. id_tokens are
    signed with RS256 only: HS256 (keyed with the client secret) is not offered."""

    inlines = [OidcClientInline]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "algorithm":
            kwargs["choices"] = [
                choice
                for choice in db_field.choices
                if choice[0] in (Application.NO_ALGORITHM, Application.RS256_ALGORITHM)
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)
