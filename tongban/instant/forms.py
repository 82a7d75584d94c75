from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.catalog.models import MatterVersion


class AttachForm(forms.Form):
    version = forms.ModelChoiceField(
        label=_("Matter version"),
        queryset=MatterVersion.objects.filter(instant_approval=True)
        .exclude(status=MatterVersion.Status.WITHDRAWN)
        .order_by("name", "number"),
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    dmn = forms.FileField(
        label=_("DMN decision table"),
        widget=forms.ClearableFileInput(attrs={"class": "usa-file-input", "accept": ".dmn,.xml"}),
    )
    allow_reject = forms.BooleanField(
        label=_("The matter allows automatic refusal (the applicant may ask for human review)"),
        required=False,
    )


class SimulateForm(forms.Form):
    sample_size = forms.IntegerField(
        label=_("Sample size"),
        min_value=1,
        max_value=500,
        initial=50,
        widget=forms.NumberInput(attrs={"class": "usa-input"}),
    )
