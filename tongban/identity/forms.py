"""Forms of the sign-in pages and the personal centre. They validate shapes only; rules
live in the services."""

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

TEXT = {"class": "usa-input"}


class SignInForm(forms.Form):
    username = forms.CharField(
        label=_("ID number, mobile number, email or official login"),
        max_length=150,
        widget=forms.TextInput(
            attrs={**TEXT, "autocomplete": "username", "autocapitalize": "none"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={**TEXT, "autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from your authenticator app, or a recovery code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={**TEXT, "autocomplete": "one-time-code", "inputmode": "text"}
        ),
    )

    def clean_code(self):
        return self.cleaned_data["code"].replace(" ", "").strip()


class RegistrationForm(forms.Form):
    real_name = forms.CharField(
        label=_("Name as on your ID card"),
        max_length=50,
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label=_("ID number (18 characters)"),
        max_length=18,
        widget=forms.TextInput(
            attrs={**TEXT, "autocomplete": "off", "autocapitalize": "characters"}
        ),
    )
    phone = forms.CharField(
        label=_("Mobile phone number"),
        max_length=20,
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={**TEXT, "autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=256,
        help_text=_("8 to 64 characters. A passphrase of several words is easy to remember."),
        widget=forms.PasswordInput(attrs={**TEXT, "autocomplete": "new-password"}),
    )


class CurrentPasswordForm(forms.Form):
    """Re-authentication: changing a credential or contact asks for the password again."""

    current_password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={**TEXT, "autocomplete": "current-password"}),
    )

    def __init__(self, *args, account=None, **kwargs):
        self.account = account
        super().__init__(*args, **kwargs)

    def clean_current_password(self):
        value = self.cleaned_data["current_password"]
        if not self.account.check_password(value):
            raise forms.ValidationError(_("The password is wrong."), code="reauth")
        return value


class PasswordChangeForm(CurrentPasswordForm):
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=256,
        help_text=_("8 to 64 characters. A passphrase of several words is easy to remember."),
        widget=forms.PasswordInput(attrs={**TEXT, "autocomplete": "new-password"}),
    )

    def clean_new_password(self):
        value = self.cleaned_data["new_password"]
        password_validation.validate_password(value, self.account)
        return value


class ContactForm(CurrentPasswordForm):
    phone = forms.CharField(
        label=_("Mobile phone number"),
        max_length=20,
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={**TEXT, "autocomplete": "email"}),
    )


class TotpConfirmForm(CurrentPasswordForm):
    code = forms.CharField(
        label=_("6-digit code shown by your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={**TEXT, "autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )
