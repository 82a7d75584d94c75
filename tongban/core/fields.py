"""Model fields that keep sensitive values encrypted at rest (Principle 9)."""

from django.db import models

from tongban.core import crypto


class EncryptedTextField(models.TextField):
    """Text stored as `suite:key-id:ciphertext`, read back as plain text.

    The field's `context` (default `app_label.model.field`) is authenticated with the value, so a
    ciphertext moved to another field or table fails to decrypt. It cannot be searched: pair it
    with a `blind_index` column where lookups or uniqueness are needed."""

    def __init__(self, *args, context: str | None = None, **kwargs):
        self.context = context
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.context:
            kwargs["context"] = self.context
        return name, path, args, kwargs

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        if not self.context:
            self.context = f"{cls._meta.label_lower}.{name}"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt_text(value, context=self.context)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt_text(value, context=self.context)

    def get_lookup(self, lookup_name):
        if lookup_name not in ("isnull",):
            raise TypeError(
                f"{self.model.__name__}.{self.name} is encrypted: look it up by its blind index"
            )
        return super().get_lookup(lookup_name)


def encrypted_fields():
    """Every (model, field) pair that stores encrypted text, for re-encryption."""
    from django.apps import apps

    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]
