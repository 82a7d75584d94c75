"""The application form rendered on the server from the version's JSON Schema (ADR 0022):
one Django form field per property, in `x-order`, labelled in the page's language. Values are
converted to the schema's JSON types; the schema itself decides what is valid."""

import contextlib

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tongban.catalog.formschema import applicable_fields, controlling_fields, ordered_fields

PREFIX = "f_"


def label(field: dict) -> str:
    labels = field.get("x-labels") or {}
    language = "en" if (get_language() or "").startswith("en") else "zh-Hans"
    return labels.get(language) or labels.get("zh-Hans") or field.get("title") or ""


def _choices(field: dict) -> list[tuple[str, str]]:
    values = field.get("enum") or (field.get("items") or {}).get("enum") or []
    names = field.get("x-enum-labels") or {}
    return [(str(v), str(names.get(str(v), v))) for v in values]


def _field(name: str, field: dict, required: bool) -> forms.Field:
    widget = field.get("x-widget", "text")
    common = {"label": label(field), "required": False}
    attrs = {"class": "usa-input"}
    if widget == "textarea" or widget == "address":
        return forms.CharField(widget=forms.Textarea(attrs={"class": "usa-textarea"}), **common)
    if widget in ("select",):
        return forms.ChoiceField(
            choices=[("", "—"), *_choices(field)],
            widget=forms.Select(attrs={"class": "usa-select"}),
            **common,
        )
    if widget == "radio":
        return forms.ChoiceField(choices=_choices(field), widget=forms.RadioSelect, **common)
    if widget == "checkboxes":
        return forms.MultipleChoiceField(
            choices=_choices(field), widget=forms.CheckboxSelectMultiple, **common
        )
    if widget == "checkbox":
        return forms.BooleanField(widget=forms.CheckboxInput, **common)
    if widget == "number":
        return forms.CharField(widget=forms.NumberInput(attrs=attrs), **common)
    if widget == "date":
        return forms.CharField(widget=forms.DateInput(attrs={**attrs, "type": "date"}), **common)
    if widget == "email":
        return forms.CharField(widget=forms.EmailInput(attrs=attrs), **common)
    if widget == "phone":
        return forms.CharField(
            widget=forms.TextInput(attrs={**attrs, "inputmode": "tel"}), **common
        )
    max_length = field.get("maxLength")
    if max_length:
        attrs["maxlength"] = str(max_length)
    return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)


class ApplicationForm(forms.Form):
    """Fields from the schema, plus the submission token (防重复提交).

    Conditional fields (`if`/`then` in the schema) are shown only when they apply to the
    saved `answers`, without JavaScript: a field whose answer decides others carries a note
    that further questions follow once saved; `newly_applicable` tells the view that the
    posted answers open fields the applicant has not seen yet (then it saves, and shows them
    instead of submitting)."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, schema: dict, answers: dict | None = None, **kwargs):
        self.schema = schema
        initial = {PREFIX + name: value for name, value in (answers or {}).items()}
        kwargs.setdefault("initial", {}).update(initial)
        super().__init__(*args, **kwargs)
        required = set(schema.get("required", []))
        shown = applicable_fields(schema, answers or {})
        deciding = controlling_fields(schema)
        self.names = []
        for name, field in ordered_fields(schema):
            if name not in shown:
                continue
            self.fields[PREFIX + name] = _field(name, field, name in required)
            self.fields[PREFIX + name].schema_required = name in required
            if name in deciding:
                self.fields[PREFIX + name].help_text = _(
                    "Your answer decides which further questions apply: they appear when you "
                    "save or continue."
                )
            self.names.append(name)
        self.has_conditions = bool(deciding)

    def newly_applicable(self, answers: dict) -> set[str]:
        """Fields that apply to `answers` but were not on the page the applicant filled in."""
        return applicable_fields(self.schema, answers) - set(self.names)

    def answers(self) -> dict:
        """The answers as JSON, typed by the schema; empty fields are left out."""
        properties = self.schema.get("properties", {})
        answers = {}
        for name in self.names:
            value = self.cleaned_data.get(PREFIX + name)
            kind = properties[name].get("type")
            if value in (None, "", []):
                if kind == "boolean" and value is False:
                    answers[name] = False
                continue
            if kind == "integer":
                with contextlib.suppress(TypeError, ValueError):
                    value = int(value)
            elif kind == "number":
                with contextlib.suppress(TypeError, ValueError):
                    value = float(value)
            elif kind == "boolean":
                value = bool(value)
            answers[name] = value
        # Answers to fields that no longer apply are dropped (a "no" removes its follow-ups).
        applicable = applicable_fields(self.schema, answers)
        return {name: value for name, value in answers.items() if name in applicable}

    def add_answer_errors(self, errors: dict[str, list[str]]) -> None:
        for path, messages in errors.items():
            name = PREFIX + path.split(".")[0].split("[")[0]
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


class UploadForm(forms.Form):
    material = forms.ChoiceField(
        label=_("Material"), widget=forms.Select(attrs={"class": "usa-select"})
    )
    file = forms.FileField(
        label=_("File (PDF, JPEG, PNG or OFD)"),
        widget=forms.ClearableFileInput(
            attrs={"class": "usa-file-input", "accept": ".pdf,.jpg,.jpeg,.png,.ofd"}
        ),
    )

    def __init__(self, *args, materials: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["material"].choices = [(code, m.name) for code, m in materials.items()]


class CounterForm(forms.Form):
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=18,
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
    )
    version = forms.ModelChoiceField(
        label=_("Service"), queryset=None, widget=forms.Select(attrs={"class": "usa-select"})
    )
    identity_checked = forms.BooleanField(
        label=_("I checked the applicant's identity document in person."), required=True
    )
    verified_document = forms.ChoiceField(
        label=_(
            "Also record this check as the person's identity verification "
            "(L3, in person at the counter)."
        ),
        required=False,
        widget=forms.Select(attrs={"class": "usa-select"}),
    )

    def __init__(self, *args, may_verify: bool = False, **kwargs):
        from tongban.catalog.models import MatterVersion
        from tongban.identity.models import IdentityVerification

        super().__init__(*args, **kwargs)
        if may_verify:
            self.fields["verified_document"].choices = [
                ("", _("Do not record")),
                *IdentityVerification.Document.choices,
            ]
        else:
            del self.fields["verified_document"]
        self.fields["version"].queryset = MatterVersion.objects.filter(
            status=MatterVersion.Status.PUBLISHED, for_persons=True
        ).order_by("name")
