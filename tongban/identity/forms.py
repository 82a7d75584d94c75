"""Forms of the sign-in pages and the personal centre. They validate shapes only; rules
live in the services."""

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

TEXT = {"class": "usa-input"}
PASSPHRASE_HINT = _("8 to 64 characters. A passphrase of several words is easy to remember.")


def text(label, max_length, **attrs) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, widget=forms.TextInput(attrs={**TEXT, **attrs})
    )


def password(label, autocomplete: str, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=256,
        strip=False,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={**TEXT, "autocomplete": autocomplete}),
    )


def phone() -> forms.CharField:
    return text(_("Mobile phone number"), 20, autocomplete="tel", inputmode="tel")


def email() -> forms.EmailField:
    return forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={**TEXT, "autocomplete": "email"}),
    )


class SignInForm(forms.Form):
    username = text(
        _("ID number, mobile number, email or official login"),
        150,
        autocomplete="username",
        autocapitalize="none",
    )
    password = password(_("Password"), "current-password")


class CodeForm(forms.Form):
    code = text(
        _("6-digit code from your authenticator app, or a recovery code"),
        16,
        autocomplete="one-time-code",
    )

    def clean_code(self):
        return self.cleaned_data["code"].replace(" ", "").strip()


class RegistrationForm(forms.Form):
    real_name = text(_("Name as on your ID card"), 50, autocomplete="name")
    id_number = text(
        _("ID number (18 characters)"), 18, autocomplete="off", autocapitalize="characters"
    )
    phone = phone()
    email = email()
    password = password(_("Password"), "new-password", PASSPHRASE_HINT)


class CurrentPasswordForm(forms.Form):
    """Re-authentication: changing a credential or contact asks for the password again."""

    current_password = password(_("Your current password"), "current-password")

    def __init__(self, *args, account=None, **kwargs):
        self.account = account
        super().__init__(*args, **kwargs)

    def clean_current_password(self):
        value = self.cleaned_data["current_password"]
        if not self.account.check_password(value):
            raise forms.ValidationError(_("The password is wrong."), code="reauth")
        return value


class PasswordChangeForm(CurrentPasswordForm):
    new_password = password(_("New password"), "new-password", PASSPHRASE_HINT)

    def clean_new_password(self):
        value = self.cleaned_data["new_password"]
        password_validation.validate_password(value, self.account)
        return value


class ContactForm(CurrentPasswordForm):
    phone = phone()
    email = email()


class TotpConfirmForm(CurrentPasswordForm):
    code = text(
        _("6-digit code shown by your authenticator app"),
        8,
        autocomplete="one-time-code",
        inputmode="numeric",
    )


class AgentForm(forms.Form):
    """The legal representative authorizes an agent (经办人) by ID number."""

    id_number = text(_("The agent's ID number"), 18, autocomplete="off")
    scopes = forms.MultipleChoiceField(
        label=_("The agent may"),
        choices=(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}),
    )
    expires_on = forms.DateField(
        label=_("Until (inclusive)"),
        widget=forms.DateInput(attrs={**TEXT, "type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        from tongban.identity.models import AgentScope

        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = AgentScope.choices


class FindPersonForm(forms.Form):
    """A counter clerk finds a person by ID number (sent in the body, never in the URL)."""

    id_number = text(
        _("ID number (18 characters)"), 18, autocomplete="off", autocapitalize="characters"
    )

    def clean_id_number(self):
        from tongban.core.identifiers import clean_id_number

        return clean_id_number(self.cleaned_data["id_number"].strip().upper())


class CounterVerificationForm(forms.Form):
    """L3 at a counter: which original document was checked, and the clerk's confirmation."""

    person = forms.IntegerField(widget=forms.HiddenInput)
    document = forms.ChoiceField(
        label=_("Document checked"),
        choices=(),
        widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
    )
    checked = forms.BooleanField(
        label=_(
            "I have checked the original document in person: the photo shows the person in "
            "front of me, and the name and ID number match."
        ),
        widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}),
    )

    def __init__(self, *args, **kwargs):
        from tongban.identity.models import IdentityVerification

        super().__init__(*args, **kwargs)
        self.fields["document"].choices = IdentityVerification.Document.choices


class OperatorVerificationForm(forms.Form):
    """L2 recorded by an operator while the population registry cannot answer."""

    person = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why the registry check is done by hand, and what was checked"),
        max_length=500,
        widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 3}),
    )
