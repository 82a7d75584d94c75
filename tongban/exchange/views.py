"""Pages: the citizen's data-usage record (数据使用记录) and the data administrators' pages for
the sharing catalogue, grants, data quality and correction requests. Thin: forms check the
shape, services decide."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tongban.core.api import Conflict
from tongban.core.permissions import allowed, require
from tongban.exchange import quality, real_name, selectors, services
from tongban.exchange.forms import (
    DecisionForm,
    DisputeForm,
    GrantRequestForm,
    ReasonForm,
    ResolveCorrectionForm,
)
from tongban.exchange.models import (
    CorrectionRequest,
    Grant,
    QualityIssue,
    Registry,
    Resource,
)
from tongban.exchange.policies import is_data_authority
from tongban.exchange.record_schema import coerce
from tongban.identity.predicates import official_of, person_of

PAGE_SIZE = 20


def _show_errors(form, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def _official(request):
    official = official_of(request.user)
    if official is None:
        raise PermissionDenied
    return official


# -- the citizen ------------------------------------------------------------------------------


@never_cache
@login_required
@require_safe
def data_usage(request):
    """Every access to the signed-in citizen's data: who, which system, why, for which case,
    which fields, when. Accesses under delayed disclosure appear after their release date."""
    person = person_of(request.user)
    if person is None:
        raise PermissionDenied
    lines = Paginator(selectors.data_usage(person.id_number_index), PAGE_SIZE)
    page = lines.get_page(request.GET.get("page"))
    page.object_list = selectors.with_ledger_receipts(page.object_list)
    for line in page.object_list:
        line.field_titles = [line.registry.field_title(name) for name in line.fields_returned]
    return render(
        request,
        "exchange/data_usage.html",
        {
            "page": page,
            "disputes": selectors.corrections_of_subject(person.id_number_index)[:50],
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def dispute(request, access_id: int):
    """Dispute a value that was read about the citizen: a correction request to the
    department that holds it."""
    person = person_of(request.user)
    if person is None:
        raise PermissionDenied
    line = get_object_or_404(
        selectors.data_usage(person.id_number_index), pk=access_id, registry__isnull=False
    )
    if not line.fields_returned:
        raise Http404
    form = DisputeForm(
        request.POST or None,
        registry=line.registry,
        fields=line.fields_returned,
        initial={"idempotency_key": services.new_idempotency_key()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.dispute_value(
                actor=request.user,
                registry=line.registry,
                field=form.cleaned_data["field"],
                claimed_value=form.cleaned_data["claimed_value"],
                reason=form.cleaned_data["reason"],
                case_reference=line.case_reference,
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(
                request,
                _("Sent to %(department)s, which answers within 5 working days.")
                % {"department": line.registry.department.name},
            )
            return redirect("exchange:data_usage")
    return render(request, "exchange/dispute.html", {"line": line, "form": form})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify_real_name(request):
    """The citizen has the name and ID number they registered with checked against the
    population registry (实名核验, L2). The check is an access like any other: it appears in
    "who used my data"."""
    require(request.user, "exchange.verify_real_name")
    error, status = "", 200
    if request.method == "POST":
        try:
            real_name.verify_real_name(account=request.user)
        except real_name.RealNameRefused as refusal:
            error, status = refusal.message, 503 if refusal.code == "unavailable" else 400
        except ValidationError as problem:  # verified meanwhile, e.g. at a counter
            error, status = " ".join(problem.messages), 400
        else:
            messages.success(
                request, _("Your name and ID number match the population registry: level L2.")
            )
            return redirect("identity:home")
    registry = selectors.registry_by_code(settings.TONGBAN_POPULATION_REGISTRY)
    return render(
        request,
        "exchange/verify_real_name.html",
        {"person": person_of(request.user), "error": error, "registry": registry},
        status=status,
    )


# -- officials: the sharing catalogue -----------------------------------------------------


@never_cache
@login_required
@require_safe
def catalogue(request):
    require(request.user, "exchange.view_catalogue")
    return render(request, "exchange/catalogue.html", {"resources": selectors.catalogue()})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def resource_detail(request, code: str):
    """A catalogue entry with its data items; data administrators request a grant here."""
    require(request.user, "exchange.view_catalogue")
    resource = get_object_or_404(selectors.catalogue(), code=code)
    official = _official(request)
    may_request = (
        allowed(request.user, "exchange.request_grant", official.department)
        and resource.sharing != Resource.Sharing.NOT_SHARED
    )
    form = None
    if may_request:
        form = GrantRequestForm(
            request.POST or None,
            department=official.department,
            registry=resource.registry,
            initial={"idempotency_key": services.new_idempotency_key()},
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                grant = services.request_grant(
                    actor=request.user,
                    consumer=data["consumer"],
                    resource=resource,
                    fields=data["field_names"],
                    purpose=data["purpose"],
                    legal_basis=data["legal_basis"],
                    expires_on=data["expires_on"],
                    idempotency_key=data["idempotency_key"],
                    disclosure_delay_days=data["disclosure_delay_days"] or 0,
                    disclosure_delay_basis=data["disclosure_delay_basis"],
                )
            except ValidationError as error:
                _show_errors(form, error)
            except Conflict as conflict:
                form.add_error(None, conflict.message)
            else:
                messages.success(request, _("Request sent."))
                return redirect("exchange:grant", grant_id=grant.pk)
    elif request.method == "POST":
        raise PermissionDenied
    registry = resource.registry
    items = [
        {
            "name": name,
            "title": registry.field_title(name),
            "type": registry.properties[name].get("type", ""),
            "description": registry.properties[name].get("description", ""),
            "sensitive": name in registry.sensitive_fields,
        }
        for name in registry.field_names
    ]
    return render(
        request,
        "exchange/resource.html",
        {"resource": resource, "items": items, "form": form},
    )


# -- officials: grants --------------------------------------------------------------------


@never_cache
@login_required
@require_safe
def grants(request):
    official = _official(request)
    authority = is_data_authority(request.user)
    if not (authority or allowed(request.user, "exchange.request_grant", official.department)):
        raise PermissionDenied
    return render(
        request,
        "exchange/grants.html",
        {
            "authority": authority,
            "awaiting_compliance": selectors.grants_awaiting_compliance() if authority else [],
            "escalated": selectors.escalated_grants() if authority else [],
            "grants": selectors.grants_for_department(official.department)[:200],
            "department": official.department,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def grant_detail(request, grant_id: int):
    grant = get_object_or_404(
        Grant.objects.select_related("resource__registry__department", "consumer__department"),
        pk=grant_id,
    )
    require(request.user, "exchange.view_grant", grant)
    can_check = grant.status == Grant.Status.AWAITING_COMPLIANCE and allowed(
        request.user, "exchange.check_compliance", grant
    )
    can_answer = grant.status == Grant.Status.AWAITING_PROVIDER and allowed(
        request.user, "exchange.answer_grant", grant
    )
    can_revoke = grant.status == Grant.Status.ACTIVE and allowed(
        request.user, "exchange.revoke_grant", grant
    )
    action = request.POST.get("action") if request.method == "POST" else None
    decision = DecisionForm(request.POST if action in ("check", "answer") else None)
    revocation = ReasonForm(request.POST if action == "revoke" else None)
    if action:
        if not {"check": can_check, "answer": can_answer, "revoke": can_revoke}.get(action):
            raise PermissionDenied
        form = revocation if action == "revoke" else decision
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "check":
                    services.check_compliance(
                        actor=request.user, grant=grant, approve=data["approve"], note=data["note"]
                    )
                elif action == "answer":
                    services.answer_grant(
                        actor=request.user,
                        grant=grant,
                        approve=data["approve"],
                        reason=data["note"],
                    )
                else:
                    services.revoke_grant(actor=request.user, grant=grant, reason=data["reason"])
            except ValidationError as error:
                _show_errors(form, error)
            except Conflict as conflict:
                messages.error(request, conflict.message)
                return redirect("exchange:grant", grant_id=grant.pk)
            else:
                messages.success(request, _("Saved."))
                return redirect("exchange:grant", grant_id=grant.pk)
    return render(
        request,
        "exchange/grant.html",
        {
            "grant": grant,
            "field_titles": [grant.resource.registry.field_title(f) for f in grant.fields],
            "can_check": can_check,
            "can_answer": can_answer,
            "can_revoke": can_revoke,
            "decision": decision,
            "revocation": revocation,
        },
        status=422 if action else 200,
    )


# -- officials: data quality and corrections -----------------------------------------------


def _registries_for(request):
    official = _official(request)
    registries = Registry.objects.select_related("department").filter(is_archived=False)
    if not is_data_authority(request.user):
        registries = registries.filter(department=official.department)
    return [r for r in registries if allowed(request.user, "exchange.view_quality", r)]


@never_cache
@login_required
@require_safe
def quality_overview(request):
    registries = _registries_for(request)
    if not registries:
        raise PermissionDenied
    runs = selectors.latest_quality(registries)
    rows = [{"registry": r, "run": runs.get(r.pk)} for r in registries]
    return render(request, "exchange/quality.html", {"rows": rows})


@never_cache
@login_required
@require_safe
def quality_issues(request, code: str):
    registry = get_object_or_404(Registry.objects.select_related("department"), code=code)
    require(request.user, "exchange.view_quality", registry)
    run = selectors.latest_quality([registry]).get(registry.pk)
    issues = run.issues.all()[:500] if run else []
    return render(
        request,
        "exchange/quality_issues.html",
        {
            "registry": registry,
            "run": run,
            "issues": issues,
            "dimensions": QualityIssue.Dimension,
        },
    )


@login_required
@require_POST
def run_quality(request, code: str):
    registry = get_object_or_404(Registry, code=code)
    require(request.user, "exchange.run_quality", registry)
    quality.check_registry(registry=registry)
    messages.success(request, _("Checked."))
    return redirect("exchange:quality_issues", code=registry.code)


@never_cache
@login_required
@require_safe
def corrections(request):
    official = _official(request)
    if not allowed(request.user, "exchange.request_grant", official.department):
        raise PermissionDenied
    rows = [
        {"item": item, "form": ResolveCorrectionForm(auto_id=f"c{item.pk}_%s")}
        for item in selectors.corrections_for_department(official.department)[:200]
    ]
    return render(
        request, "exchange/corrections.html", {"rows": rows, "open": CorrectionRequest.Status.OPEN}
    )


@login_required
@require_POST
def resolve_correction(request, correction_id: int):
    correction = get_object_or_404(
        CorrectionRequest.objects.select_related("registry__department"), pk=correction_id
    )
    require(request.user, "exchange.resolve_correction", correction)
    form = ResolveCorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the outcome and say what was done."))
        return redirect("exchange:corrections")
    try:
        services.resolve_correction(
            actor=request.user,
            correction=correction,
            corrected=form.cleaned_data["corrected"],
            note=form.cleaned_data["note"],
            new_value=coerce(correction.registry, correction.field, form.cleaned_data["new_value"]),
        )
    except ValidationError as error:
        messages.error(request, " ".join(m for ms in error.message_dict.values() for m in ms))
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("exchange:corrections")
