"""Sign-in, registration, the personal centre (个人中心) and the official's workbench landing.

Views translate HTTP and call one service; every page that shows personal data is sent with
`Cache-Control: no-store` (never_cache)."""

import base64
import time
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongban.core.permissions import allowed, require
from tongban.identity import forms, selectors, services
from tongban.identity.models import (
    Account,
    AccountSession,
    AgentAuthorization,
    AgentScope,
    Business,
    Consent,
    IdentityVerification,
    Person,
)
from tongban.identity.predicates import official_of, person_of
from tongban.identity.sessions import rekey_session
from tongban.identity.throttle import rate_limited

BACKEND = "tongban.identity.backends.IdentifierBackend"
PENDING = "identity.pending"
PENDING_SECONDS = 300
MAX_CODE_ATTEMPTS = 5
MAX_REAUTH_FAILURES = 5
# One message for every failed sign-in: it never tells whether the account exists.
SIGN_IN_FAILED = gettext_lazy("The sign-in details are not correct, or the account cannot sign in.")


def safe_next(request, candidate: str | None, default: str = "") -> str:
    """A redirect target on this site only (no `//evil.example`, no `https://evil`)."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default or reverse("identity:home")


def _has_second_factor(account: Account) -> bool:
    return TOTPDevice.objects.filter(user=account, confirmed=True).exists()


def _complete_sign_in(request, account: Account, device=None):
    request.session.pop(PENDING, None)
    login(request, account, backend=BACKEND)  # new session id; AccountSession tracked
    if device is not None:
        otp_login(request, device)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once an address has failed too often for one sign-in name."""
    form = forms.SignInForm(request.POST or None)
    form.errors.clear()
    return render(
        request,
        "identity/login.html",
        {
            "form": form,
            "next": safe_next(request, request.POST.get("next")),
            "locked_out": True,
        },
        status=429,
    )


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
@rate_limited("login")
def sign_in(request):
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method == "GET" and request.user.is_authenticated:
        return redirect(next_url)
    # Bound on every POST, even an empty one: an unbound form has no errors to add to.
    form = forms.SignInForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        account = None
        if form.is_valid():
            account = authenticate(
                request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        if account is None:
            form.errors.clear()
            form.add_error(None, SIGN_IN_FAILED)
            status = 400
        elif account.needs_second_factor or _has_second_factor(account):
            request.session.cycle_key()
            request.session[PENDING] = {
                "account": account.pk,
                "at": time.time(),
                "next": next_url,
                "attempts": 0,
            }
            return redirect("identity:verify")
        else:
            _complete_sign_in(request, account)
            return redirect(next_url)
    return render(request, "identity/login.html", {"form": form, "next": next_url}, status=status)


def _pending_account(request) -> tuple[dict | None, Account | None]:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None, None
    account = Account.objects.filter(pk=pending["account"], is_active=True).first()
    return pending, account


def _matching_device(account: Account, code: str):
    """The device that accepts `code`: TOTP (a used code is refused: replay) or a recovery
    code (used once). django-otp throttles repeated failures per device."""
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.filter(user=account, confirmed=True):
            if device.verify_token(code):
                return device
    return None


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def verify(request):
    """Second step: a TOTP or recovery code; officials without an authenticator enrol here."""
    pending, account = _pending_account(request)
    if account is None:
        messages.info(request, _("Please sign in again."))
        return redirect("identity:login")
    if not _has_second_factor(account):
        return _enrol_at_sign_in(request, pending, account)
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _matching_device(account, form.cleaned_data["code"])
        if device is not None:
            _complete_sign_in(request, account, device)
            return redirect(pending["next"])
        pending["attempts"] += 1
        request.session[PENDING] = pending
        if pending["attempts"] >= MAX_CODE_ATTEMPTS:
            request.session.pop(PENDING, None)
            messages.error(request, _("Too many wrong codes. Please sign in again."))
            return redirect("identity:login")
        form.add_error("code", _("The code is wrong or was already used. Wait for a new one."))
    status = 400 if form.errors else 200
    return render(request, "identity/verify.html", {"form": form}, status=status)


def _qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=True)


def _enrol_at_sign_in(request, pending: dict, account: Account):
    device = TOTPDevice.objects.filter(pk=pending.get("device"), user=account).first()
    if device is None:
        device = services.begin_totp(account=account)
        pending["device"] = device.pk
        request.session[PENDING] = pending
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.confirm_totp(
            account=account, device=device, token=form.cleaned_data["code"]
        )
        if codes is not None:
            _complete_sign_in(request, account, device)
            return render(
                request,
                "identity/recovery_codes.html",
                {"codes": codes, "next": pending["next"]},
            )
        form.add_error("code", _("The code is wrong. Check the time on your phone and try again."))
    return render(
        request,
        "identity/enrol.html",
        {"form": form, "qr": _qr_svg(device), "secret": _base32(device)},
        status=400 if form.errors else 200,
    )


def _base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


@require_POST
def sign_out(request):
    logout(request)  # the session ends (AccountSession marked, store entry deleted)
    messages.success(request, _("You have signed out."))
    return redirect("portal:home")


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
@rate_limited("register")
def register(request):
    if request.user.is_authenticated:
        return redirect("identity:home")
    form = forms.RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_citizen(**form.cleaned_data)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            # The same answer whether or not the details were already registered.
            return render(request, "identity/registered.html")
    status = 400 if form.errors else 200
    return render(request, "identity/register.html", {"form": form}, status=status)


# -- personal centre ---------------------------------------------------------------------


def _centre(request, template: str, context: dict, section: str, status: int = 200):
    return render(
        request,
        template,
        {"section": section, "person": person_of(request.user), **context},
        status=status,
    )


@never_cache
@login_required
@require_safe
def home(request):
    """Profile (个人资料): masked ID number and phone; officials are sent to the workbench."""
    if official_of(request.user) is not None:
        return redirect("identity:workbench")
    return _centre(request, "identity/me.html", {}, "profile")


def _reauth_failed(request) -> bool:
    """Count a wrong password on a re-authentication form; after too many the session ends.
    Returns True when it did."""
    failures = request.session.get("identity.reauth_failures", 0) + 1
    request.session["identity.reauth_failures"] = failures
    if failures >= MAX_REAUTH_FAILURES:
        logout(request)
        messages.error(request, _("Too many wrong passwords. Please sign in again."))
        return True
    return False


def _security_context(request, **forms_given) -> dict:
    account = request.user
    return {
        "password_form": forms_given.get("password_form")
        or forms.PasswordChangeForm(account=account),
        "contact_form": forms_given.get("contact_form")
        or (
            forms.ContactForm(
                account=account,
                initial={"phone": request.user.person.phone, "email": request.user.person.email},
            )
            if person_of(account)
            else None
        ),
        "codes_form": forms_given.get("codes_form") or forms.CurrentPasswordForm(account=account),
        "has_totp": _has_second_factor(account),
        "recovery_left": StaticToken.objects.filter(device__user=account).count(),
        "sessions": selectors.open_sessions(account=account),
        "current_key": request.session.session_key,
    }


@never_cache
@login_required
@sensitive_post_parameters("current_password", "new_password")
@require_http_methods(["GET", "POST"])
def security(request):
    """Password, contact details, second factor and sessions (账号安全)."""
    account = request.user
    action = request.POST.get("action")
    bound = {}
    if action == "password":
        form = forms.PasswordChangeForm(request.POST, account=account)
        if form.is_valid():
            services.change_password(
                account=account,
                new_password=form.cleaned_data["new_password"],
                keep_session_key=request.session.session_key,
            )
            rekey_session(request, account)
            messages.success(
                request, _("Your password has been changed. Other sessions were ended.")
            )
            return redirect("identity:security")
        bound["password_form"] = form
    elif action == "contact" and person_of(account):
        form = forms.ContactForm(request.POST, account=account)
        if form.is_valid():
            try:
                services.change_contact(
                    account=account,
                    phone=form.cleaned_data["phone"],
                    email=form.cleaned_data["email"],
                )
            except ValidationError as error:
                for problem in error.messages:
                    form.add_error(None, problem)
            else:
                messages.success(request, _("Your contact details have been saved."))
                return redirect("identity:security")
        bound["contact_form"] = form
    elif action == "recovery_codes":
        form = forms.CurrentPasswordForm(request.POST, account=account)
        if form.is_valid():
            codes = services.regenerate_recovery_codes(account=account)
            return _centre(
                request,
                "identity/recovery_codes.html",
                {"codes": codes, "next": reverse("identity:security")},
                "security",
            )
        bound["codes_form"] = form
    elif action is not None:
        raise PermissionDenied
    if any(f.errors.get("current_password") for f in bound.values()) and _reauth_failed(request):
        return redirect("identity:login")
    return _centre(
        request,
        "identity/security.html",
        _security_context(request, **bound),
        "security",
        status=400 if bound else 200,
    )


@never_cache
@login_required
@sensitive_post_parameters("current_password", "code")
@require_http_methods(["GET", "POST"])
def mfa(request):
    """Set up (or replace) the authenticator app; asks for the password again."""
    account = request.user
    device = TOTPDevice.objects.filter(user=account, confirmed=False).first()
    if request.method == "GET" or device is None:
        device = services.begin_totp(account=account)
        form = forms.TotpConfirmForm(account=account)
    else:
        form = forms.TotpConfirmForm(request.POST, account=account)
        if form.is_valid():
            codes = services.confirm_totp(
                account=account, device=device, token=form.cleaned_data["code"]
            )
            if codes is not None:
                otp_login(request, device)
                return _centre(
                    request,
                    "identity/recovery_codes.html",
                    {"codes": codes, "next": reverse("identity:security")},
                    "security",
                )
            form.add_error(
                "code", _("The code is wrong. Check the time on your phone and try again.")
            )
        elif form.errors.get("current_password") and _reauth_failed(request):
            return redirect("identity:login")
    return _centre(
        request,
        "identity/mfa.html",
        {"form": form, "qr": _qr_svg(device), "secret": _base32(device)},
        "security",
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@sensitive_post_parameters("current_password")
@require_POST
def mfa_remove(request):
    form = forms.CurrentPasswordForm(request.POST, account=request.user)
    if not form.is_valid():
        if _reauth_failed(request):
            return redirect("identity:login")
        messages.error(request, _("The password is wrong."))
    else:
        try:
            services.remove_totp(account=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The second factor is off."))
    return redirect("identity:security")


@login_required
@require_POST
def end_session(request, pk: int):
    session = get_object_or_404(AccountSession, pk=pk)
    require(request.user, "identity.end_session", session)
    services.end_session(
        actor=request.user, session=session, reason=AccountSession.EndReason.REVOKED
    )
    if session.session_key == request.session.session_key:
        return redirect("identity:login")
    messages.success(request, _("The session has been ended."))
    return redirect("identity:security")


@login_required
@require_POST
def end_all_sessions(request):
    """Sign out everywhere: every session of the account ends, this one included."""
    account = request.user
    services.end_all_sessions(
        account=account, reason=AccountSession.EndReason.LOGOUT, actor=account
    )
    logout(request)
    messages.success(request, _("You have signed out on every device."))
    return redirect("identity:login")


@never_cache
@login_required
@require_safe
def applications(request):
    """Applications I signed in to with Tongban, and what they may read (已授权应用)."""
    return _centre(
        request,
        "identity/applications.html",
        {"consents": selectors.consents_of(account=request.user)},
        "applications",
    )


@login_required
@require_POST
def revoke_consent(request, pk: int):
    consent = get_object_or_404(Consent, pk=pk)
    require(request.user, "identity.revoke_consent", consent)
    services.revoke_consent(account=request.user, consent=consent)
    messages.success(request, _("The application can no longer read your data."))
    return redirect("identity:applications")


def _scope_labels(scopes) -> list[str]:
    return [str(AgentScope(s).label) for s in sorted(scopes) if s in AgentScope.values]


@never_cache
@login_required
def acting_for(request, *, agent_form=None, business=None):
    """Businesses I act for, and people I am the guardian of (代办); the legal representative
    authorizes and revokes agents here."""
    person = person_of(request.user)
    items = []
    for relation in selectors.relations_of(person=person)[1:] if person else []:
        item = {"relation": relation, "scopes": _scope_labels(relation.scopes), "agents": []}
        if relation.relation == "legal_representative":
            item["agents"] = [
                {"authorization": a, "scopes": _scope_labels(a.scopes)}
                for a in selectors.agents_of(business=relation.party)
            ]
            own_form = business is not None and business.pk == relation.party.pk
            item["form"] = (
                agent_form if own_form else forms.AgentForm(auto_id=f"agent-{relation.party.pk}-%s")
            )
        items.append(item)
    return _centre(
        request,
        "identity/acting_for.html",
        {"items": items},
        "acting_for",
        status=400 if agent_form is not None else 200,
    )


@never_cache
@login_required
@require_POST
def authorize_agent(request, pk: int):
    """The legal representative names an agent (经办人) with scopes and an end date."""
    business = get_object_or_404(Business, pk=pk)
    require(request.user, "identity.authorize_agents", business)
    form = forms.AgentForm(request.POST, auto_id=f"agent-{business.pk}-%s")
    if form.is_valid():
        agent = Person.objects.filter(
            id_number_index=Person.index_for(form.cleaned_data["id_number"].strip().upper()),
            account__isnull=False,
        ).first()
        if agent is None:
            form.add_error(
                "id_number", _("Only a person with a Tongban account can be authorized.")
            )
        else:
            try:
                services.authorize_agent(
                    actor=request.user,
                    business=business,
                    agent=agent,
                    scopes=form.cleaned_data["scopes"],
                    expires_on=form.cleaned_data["expires_on"],
                )
            except ValidationError as error:
                for problem in error.messages:
                    form.add_error(None, problem)
            else:
                messages.success(request, _("The agent has been authorized."))
                return redirect("identity:acting_for")
    return acting_for(request, agent_form=form, business=business)


@login_required
@require_POST
def revoke_agent(request, pk: int):
    authorization = get_object_or_404(AgentAuthorization.objects.select_related("business"), pk=pk)
    require(request.user, "identity.authorize_agents", authorization.business)
    services.revoke_agent(actor=request.user, authorization=authorization)
    messages.success(request, _("The authorization has been revoked."))
    return redirect("identity:acting_for")


@never_cache
@login_required
@require_safe
def workbench(request):
    """The official's landing page (工作台) after password and second factor."""
    official = selectors.official_with_roles(account=request.user)
    if official is None:
        raise PermissionDenied
    return render(
        request,
        "identity/workbench.html",
        {
            "official": official,
            "roles": [r.get_role_display() for r in official.roles.all()],
            "may_verify": allowed(request.user, "identity.find_person"),
            # the catalogue's pages (tongban.catalog.workbench), named by permission only
            "may_edit_catalogue": allowed(request.user, "catalog.edit_matter", official.department),
            "may_review_catalogue": allowed(request.user, "catalog.review_version"),
        },
    )


# The workbench forms that raise assurance: action -> (form, method, permission).
VERIFICATION_ACTIONS = {
    "counter": (
        forms.CounterVerificationForm,
        IdentityVerification.Method.COUNTER,
        "identity.verify_at_counter",
    ),
    "operator": (
        forms.OperatorVerificationForm,
        IdentityVerification.Method.OPERATOR,
        "identity.verify_by_operator",
    ),
}


def _person_posted(request) -> Person:
    try:
        pk = int(request.POST.get("person", ""))
    except ValueError:
        raise Http404 from None
    return get_object_or_404(Person.objects.select_related("account"), pk=pk)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify_identity(request):
    """Identity verification at the workbench (实名核验): a counter clerk finds a person by ID
    number (posted, never in the URL; shown masked), checks the original document and records
    L3; a platform operator records L2 when the population registry cannot answer."""
    require(request.user, "identity.find_person")
    action = request.POST.get("action") if request.method == "POST" else None
    find_form = forms.FindPersonForm(request.POST if action == "find" else None)
    person, bound, status = None, {}, 200
    if action == "find":
        if find_form.is_valid():
            person = selectors.person_by_id_number(find_form.cleaned_data["id_number"])
            if person is None:
                find_form.add_error("id_number", _("No one with this ID number is known here."))
            else:  # the full number is not echoed back: the card shows it masked
                find_form = forms.FindPersonForm()
        status = 200 if person else 400
    elif action in VERIFICATION_ACTIONS:
        form_class, method, permission = VERIFICATION_ACTIONS[action]
        person = _person_posted(request)
        require(request.user, permission, person)
        form = bound[action] = form_class(request.POST, auto_id=f"{action}-%s")
        if form.is_valid():
            try:
                services.verify_identity(
                    actor=request.user,
                    person=person,
                    method=method,
                    document=form.cleaned_data.get("document", ""),
                    reason=form.cleaned_data.get("reason", ""),
                )
            except ValidationError as error:
                problems = error.message_dict if hasattr(error, "error_dict") else {}
                for field, messages_ in problems.items():
                    form.add_error(field if field in form.fields else None, messages_)
                if not problems:
                    form.add_error(None, error.messages)
            else:
                person.refresh_from_db()
                messages.success(
                    request,
                    _("%(name)s (%(id_number)s) is now verified: %(level)s.")
                    % {
                        "name": person.real_name,
                        "id_number": person.masked_id_number,
                        "level": person.get_assurance_display(),
                    },
                )
                return redirect("identity:verify_identity")
        status = 400
    elif action is not None:
        raise PermissionDenied
    methods = []
    if person is not None:
        for name, (form_class, method, permission) in VERIFICATION_ACTIONS.items():
            if not allowed(request.user, permission, person):
                continue
            level = services.VERIFICATION_METHODS[method][0]
            methods.append(
                {
                    "action": name,
                    "level": level,
                    # a refused form stays on the page, with its reason
                    "done": person.assurance >= level and name not in bound,
                    "form": bound.get(name)
                    or form_class(initial={"person": person.pk}, auto_id=f"{name}-%s"),
                }
            )
    return render(
        request,
        "identity/verify_identity.html",
        {
            "find_form": find_form,
            "person": person,
            "methods": methods,
            "history": selectors.verifications_of(person=person)[:10] if person else [],
        },
        status=status,
    )


def admin_login(request):
    """The admin signs in through Tongban's own sign-in (password + second factor)."""
    target = safe_next(request, request.GET.get("next"), reverse("admin:index"))
    return redirect(f"{reverse('identity:login')}?{urlencode({'next': target})}")
