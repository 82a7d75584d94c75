"""Forms of the catalogue editor (事项编辑): a draft's main elements, and its conditions, fees
and materials as formsets (one blank row to add, a "remove" box per row: no JavaScript).

They check shapes only and translate between form fields and the catalogue format; the
rules (completeness, references, the lifecycle) stay in `services` and `catalogue_format`.
Elements the editor does not show (situations, form schema, process steps, FAQs, …) are
carried over from the draft unchanged."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongban.catalog import catalogue_format as fmt
from tongban.catalog.models import Audience, Material, MatterVersion, Theme
from tongban.core.models import Department

INPUT = {"class": "usa-input"}
SELECT = {"class": "usa-select"}
TEXTAREA = {"class": "usa-textarea", "rows": 3}
CHECKBOX = {"class": "usa-checkbox__input"}
CODE_PATTERN = fmt.CODE["pattern"]


def text(label, max_length=None, *, required=False, area=False, **kwargs) -> forms.CharField:
    widget = forms.Textarea(attrs=TEXTAREA) if area else forms.TextInput(attrs=INPUT)
    return forms.CharField(
        label=label, max_length=max_length, required=required, widget=widget, **kwargs
    )


def code() -> forms.RegexField:
    return forms.RegexField(
        label=_("code"),
        regex=CODE_PATTERN,
        max_length=50,
        help_text=_("Lower-case letters, digits, - and _; unique in this version."),
        error_messages={"invalid": _("Use lower-case letters, digits, - and _.")},
        widget=forms.TextInput(attrs={**INPUT, "autocapitalize": "none", "spellcheck": "false"}),
    )


def choice(label, choices, *, required=False) -> forms.ChoiceField:
    """A select that starts at "—": a blank row's selects submit nothing, so the row stays
    blank (and is not added)."""
    return forms.ChoiceField(
        label=label,
        choices=[("", "—"), *choices],
        required=required,
        widget=forms.Select(attrs=SELECT),
    )


def days(label) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=32767,
        widget=forms.NumberInput(attrs={**INPUT, "inputmode": "numeric"}),
    )


def flag(label) -> forms.BooleanField:
    return forms.BooleanField(label=label, required=False, widget=forms.CheckboxInput(CHECKBOX))


class ElementsForm(forms.Form):
    """The national basic elements of one version (基本要素)."""

    name = text(_("name"), 200, required=True)
    name_en = text(_("English name"), 300)
    matter_type = choice(_("matter type"), MatterVersion.MatterType.choices)
    exercise_level = choice(_("exercise level"), MatterVersion.ExerciseLevel.choices)
    legal_basis = text(pgettext_lazy("service guide", "legal basis"), area=True)
    summary = text(pgettext_lazy("service guide", "summary"), area=True)
    audiences = forms.MultipleChoiceField(
        label=_("audience"),
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=CHECKBOX),
    )
    themes = forms.MultipleChoiceField(
        label=_("themes"), required=False, widget=forms.CheckboxSelectMultiple(attrs=CHECKBOX)
    )
    legal_time_limit = days(_("legal time limit (working days)"))
    committed_time_limit = days(_("committed time limit (working days)"))
    online_depth = choice(_("online depth"), MatterVersion.OnlineDepth.choices)
    max_visits = forms.IntegerField(
        label=_("on-site visits at most"),
        min_value=0,
        max_value=10,
        help_text=_("0 means fully online."),
        widget=forms.NumberInput(attrs={**INPUT, "inputmode": "numeric"}),
    )
    location = text(_("where"), area=True)
    office_hours = text(_("office hours"), 200)
    consultation = text(_("consultation"), 200)
    complaint = text(_("complaints"), 200)
    no_materials = flag(_("no materials needed"))

    KEYS = (
        "name",
        "name_en",
        "matter_type",
        "exercise_level",
        "legal_basis",
        "summary",
        "audiences",
        "themes",
        "legal_time_limit",
        "committed_time_limit",
        "online_depth",
        "max_visits",
        "location",
        "office_hours",
        "consultation",
        "complaint",
        "no_materials",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = [
            (theme.code, f"{theme.name}（{theme.get_audience_display()}）")
            for theme in Theme.objects.order_by("audience", "order", "code")
        ]


class ConditionForm(forms.Form):
    code = code()
    text = text(_("text"), required=True, area=True)
    situational = flag(_("only in some situations"))


class FeeForm(forms.Form):
    item = text(_("item"), 200, required=True)
    standard = text(_("standard"), required=True)
    basis = text(pgettext_lazy("fee", "basis"))
    waivable = flag(_("may be waived"))


class MaterialForm(forms.Form):
    code = code()
    name = text(_("name"), 200, required=True)
    kind = choice(pgettext_lazy("material", "kind"), Material.Kind.choices, required=True)
    necessity = choice(_("necessity"), Material.Necessity.choices, required=True)
    copies = forms.IntegerField(
        label=_("copies"),
        min_value=0,
        max_value=100,
        initial=1,
        widget=forms.NumberInput(attrs={**INPUT, "inputmode": "numeric"}),
    )
    source = choice(_("source"), Material.Source.choices, required=True)
    source_department = forms.ChoiceField(
        label=_("source department"), required=False, widget=forms.Select(attrs=SELECT)
    )
    registry_code = text(_("registry code"), 50)
    registry_field = text(_("registry field"), 100)
    licence_type = text(_("licence type"), 50)
    acceptance_standard = text(_("acceptance standard"), area=True)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_department"].choices = [("", "—"), *departments]


class RowFormSet(forms.BaseFormSet):
    """Rows whose "remove" box is ticked, and blank rows left blank, are dropped."""

    def kept(self) -> list[tuple[int, dict]]:
        """(form index, cleaned row) of the rows to keep, in order."""
        found = []
        for index, form in enumerate(self.forms):
            if index >= self.initial_form_count() and not form.has_changed():
                continue
            if self._should_delete_form(form):
                continue
            found.append((index, {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}))
        return found


def rows(form_class, **kwargs):
    return forms.formset_factory(
        form_class, formset=RowFormSet, extra=1, can_delete=True, max_num=200, **kwargs
    )


ConditionFormSet = rows(ConditionForm)
FeeFormSet = rows(FeeForm)
MaterialFormSet = rows(MaterialForm)


class Editor:
    """The whole editing page of one draft: the elements form and the three formsets,
    bound to POST data or filled from the draft's content."""

    LISTS = (
        ("conditions", ConditionFormSet, ("code", "text", "situational")),
        ("fees", FeeFormSet, ("item", "standard", "basis", "waivable")),
        ("materials", MaterialFormSet, tuple(MaterialForm.base_fields)),
    )

    def __init__(self, content: dict, data=None):
        self.content = fmt.normalized_content(content)
        departments = [
            (d.credit_code, d.name) for d in Department.objects.order_by("region_id", "name")
        ]
        initial = {key: self.content[key] for key in ElementsForm.KEYS}
        self.elements = ElementsForm(data, initial=initial)
        self.formsets = {}
        for key, formset_class, fields in self.LISTS:
            self.formsets[key] = formset_class(
                data,
                prefix=key,
                initial=[
                    {field: (row[field] if row[field] is not None else "") for field in fields}
                    for row in self.content[key]
                ],
                form_kwargs={"departments": departments} if key == "materials" else {},
            )
        self.kept: dict[str, list[int]] = {}

    def is_valid(self) -> bool:
        valid = self.elements.is_valid()
        for formset in self.formsets.values():
            valid = formset.is_valid() and valid
        return valid

    def new_content(self) -> dict:
        """The draft's content with what the forms say (call after `is_valid`)."""
        content = dict(self.content)
        for key in ElementsForm.KEYS:
            content[key] = self.elements.cleaned_data[key]
        for key, _formset_class, _fields in self.LISTS:
            kept = self.formsets[key].kept()
            self.kept[key] = [index for index, _row in kept]
            old = {row.get("code") or row.get("item"): row for row in self.content[key]}
            content[key] = [
                {**old.get(row.get("code") or row.get("item"), {}), **_format_row(key, row)}
                for _index, row in kept
            ]
        return content

    def add_problems(self, problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Attach each (path, message) from the services to its field; answer the ones
        that have no field here (they are shown at the top of the page)."""
        rest = []
        for path, message in problems:
            head, _, field = path.partition(".")
            key, _, index = head.partition("[")
            if key in ElementsForm.base_fields and not field and not index:
                self.elements.add_error(key, message)
                continue
            if key in self.formsets and index:
                position = int(index.rstrip("]"))
                forms_kept = self.kept.get(key, [])
                if position < len(forms_kept):
                    form = self.formsets[key].forms[forms_kept[position]]
                    form.add_error(field if field in form.fields else None, message)
                    continue
            rest.append((path, message))
        return rest


def _format_row(key: str, row: dict) -> dict:
    if key == "materials":
        return {**row, "source_department": row["source_department"] or None}
    return row
