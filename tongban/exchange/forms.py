"""Forms of the exchange pages: they check shape; the services check everything else."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.exchange.models import SystemClient

USWDS_CLASSES = {
    forms.Select: "usa-select",
    forms.Textarea: "usa-textarea",
    forms.TextInput: "usa-input",
    forms.NumberInput: "usa-input",
    forms.DateInput: "usa-input",
}


class UswdsForm(forms.Form):
    """Gives each widget its U.S. Web Design System class."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = USWDS_CLASSES.get(type(field.widget))
            if css:
                field.widget.attrs.setdefault("class", css)


class GrantRequestForm(UswdsForm):
    consumer = forms.ModelChoiceField(
        label=_("For which of your systems"), queryset=SystemClient.objects.none()
    )
    field_names = forms.MultipleChoiceField(
        label=_("Fields needed"), widget=forms.CheckboxSelectMultiple
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300)
    expires_on = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    disclosure_delay_days = forms.IntegerField(
        label=_("Delay disclosure to the data subject (days, investigations only)"),
        min_value=0,
        max_value=366,
        initial=0,
        required=False,
    )
    disclosure_delay_basis = forms.CharField(
        label=_("Legal basis for the delay"), max_length=300, required=False
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=8)

    def __init__(self, *args, department, registry, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consumer"].queryset = SystemClient.objects.filter(
            department=department, is_active=True
        )
        self.fields["field_names"].choices = [
            (name, registry.field_title(name)) for name in registry.field_names
        ]
        self.fields["expires_on"].initial = timezone.localdate() + datetime.timedelta(days=365)


class DecisionForm(UswdsForm):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Approve")), ("no", _("Refuse"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (the reason, when refusing)"), required=False, widget=forms.Textarea
    )


class ReasonForm(UswdsForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=2000)


class ResolveCorrectionForm(UswdsForm):
    corrected = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("yes", _("Corrected")), ("no", _("Rejected: the value is right"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    new_value = forms.CharField(label=_("Corrected value"), required=False, max_length=500)
    note = forms.CharField(label=_("What was done and why"), widget=forms.Textarea)


class DisputeForm(UswdsForm):
    field = forms.ChoiceField(label=_("Which value is wrong"))
    claimed_value = forms.CharField(label=_("The right value"), max_length=500, required=False)
    reason = forms.CharField(label=_("Why it is wrong"), widget=forms.Textarea, max_length=2000)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=8)

    def __init__(self, *args, registry, fields, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [(name, registry.field_title(name)) for name in fields]
