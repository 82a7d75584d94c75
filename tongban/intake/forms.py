"""The application form rendered on the server from the version's JSON Schema (ADR 0022):
one Django form field per property, in `x-order`, labelled in the page's language. Values are
converted to the schema's JSON types; the schema itself decides what is valid."""

import contextlib

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tongban.catalog.formschema import ordered_fields

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
    """Fields from the schema, plus the submission token (防重复提交)."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, schema: dict, answers: dict | None = None, **kwargs):
        self.schema = schema
        initial = {PREFIX + name: value for name, value in (answers or {}).items()}
        kwargs.setdefault("initial", {}).update(initial)
        super().__init__(*args, **kwargs)
        required = set(schema.get("required", []))
        self.names = []
        for name, field in ordered_fields(schema):
            self.fields[PREFIX + name] = _field(name, field, name in required)
            self.fields[PREFIX + name].schema_required = name in required
            self.names.append(name)

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
        return answers

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

    def __init__(self, *args, **kwargs):
        from tongban.catalog.models import MatterVersion

        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = MatterVersion.objects.filter(
            status=MatterVersion.Status.PUBLISHED, for_persons=True
        ).order_by("name")
