"""Pages: the explanation of an evaluation (applicant and official), the applicant's request
for human review, and the operators' decisions: upload and attach, simulate, activate.
Thin: services decide, selectors shape."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tongban.core.api import Conflict
from tongban.core.permissions import allowed, require
from tongban.instant import selectors, services
from tongban.instant.forms import AttachForm, SimulateForm
from tongban.workflow.xml import InvalidModel

MAX_UPLOAD = 512 * 1024


def _evaluation(request, public_id):
    evaluation = selectors.evaluation_by_public_id(public_id)
    if evaluation is None or not allowed(request.user, "instant.view_evaluation", evaluation):
        raise Http404  # another person's case is not even confirmed to exist
    return evaluation


@never_cache
@login_required
@require_safe
def evaluation(request, public_id):
    """Why the case was decided as it was: for the applicant and the officials."""
    found = _evaluation(request, public_id)
    return render(
        request,
        "instant/evaluation.html",
        {
            "explanation": selectors.explain(found),
            "official_view": request.user.kind == "official",
            "may_request_review": found.may_request_review
            and allowed(request.user, "instant.request_review", found),
        },
    )


@login_required
@require_POST
def request_review(request, public_id):
    found = _evaluation(request, public_id)
    try:
        services.request_review(evaluation=found, actor=request.user)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("An official will review your application."))
    return redirect("instant:evaluation", public_id=public_id)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def decisions(request):
    """Operators: the instant decisions, and a new DMN file for a matter version."""
    require(request.user, "instant.manage_decision")
    form = AttachForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["dmn"]
        if upload.size > MAX_UPLOAD:
            form.add_error("dmn", _("The file is larger than 512 KB."))
        else:
            try:
                attached = services.attach_decision(
                    version=form.cleaned_data["version"],
                    content=upload.read(),
                    actor=request.user,
                    allow_reject=form.cleaned_data["allow_reject"],
                )
            except InvalidModel as error:
                problems = error.problems
            else:
                messages.success(request, _("The decision is attached as a draft."))
                return redirect("instant:decision", public_id=attached.public_id)
    return render(
        request,
        "instant/decisions.html",
        {"decisions": selectors.decisions()[:200], "form": form, "problems": problems},
    )


@never_cache
@login_required
@require_safe
def decision(request, public_id):
    require(request.user, "instant.manage_decision")
    attached = selectors.decision_by_public_id(public_id)
    if attached is None:
        raise Http404
    return _decision_page(request, attached, SimulateForm())


def _decision_page(request, attached, form, run=None):
    from tongban.workflow import dmn

    table = dmn.load_decision(attached.decision)
    return render(
        request,
        "instant/decision.html",
        {
            "attached": attached,
            "table": table,
            "form": form,
            "run": run or selectors.simulations_of(attached).first(),
        },
    )


@login_required
@require_POST
def simulate(request, public_id):
    require(request.user, "instant.manage_decision")
    attached = selectors.decision_by_public_id(public_id)
    if attached is None:
        raise Http404
    form = SimulateForm(request.POST)
    run = None
    if form.is_valid():
        run = services.simulate(
            attached=attached, actor=request.user, sample_size=form.cleaned_data["sample_size"]
        )
    return _decision_page(request, attached, form, run)


@login_required
@require_POST
def activate(request, public_id):
    require(request.user, "instant.manage_decision")
    attached = selectors.decision_by_public_id(public_id)
    if attached is None:
        raise Http404
    try:
        services.activate_decision(attached=attached, actor=request.user)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The decision is active: new applications use it."))
    return redirect("instant:decision", public_id=public_id)
