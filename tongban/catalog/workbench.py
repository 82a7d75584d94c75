"""The catalogue on the officials' workbench (事项管理): a department's data administrators
keep their matters' guides (list, start a revision, edit a draft, compare it with the
published version, submit it), and the platform operator reviews (queue, publish, return
with a reason) and withdraws.

Thin: every write is one call to `services`, which checks permission and the version
lifecycle; a refused step changes nothing and says why. Forms work without JavaScript."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tongban.catalog import catalogue_format as fmt
from tongban.catalog import changes, selectors, services
from tongban.catalog.forms import TEXTAREA, Editor
from tongban.catalog.models import Matter, MatterVersion
from tongban.core.api import Conflict
from tongban.core.permissions import allowed, require
from tongban.identity.predicates import official_of

Status = MatterVersion.Status


class ReasonForm(forms.Form):
    """The reason for returning or withdrawing a version (the department reads it)."""

    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=services.MAX_REASON,
        widget=forms.Textarea(attrs={**TEXTAREA, "maxlength": services.MAX_REASON}),
    )


def _official(request):
    official = official_of(request.user)
    if official is None:
        raise PermissionDenied
    return official


def _version(request, pk: int) -> MatterVersion:
    """A version the signed-in official may read in full (drafts included)."""
    version = get_object_or_404(selectors.with_guide(MatterVersion.objects.all()), pk=pk)
    require(request.user, "catalog.view_drafts", version)
    return version


@never_cache
@login_required
@require_safe
def department_matters(request):
    """My department's matters (本部门事项): each one's published version and open draft."""
    official = _official(request)
    require(request.user, "catalog.edit_matter", official.department)
    return render(
        request,
        "catalog/workbench/matters.html",
        {
            "department": official.department,
            "rows": selectors.department_matters(official.department),
            "may_review": allowed(request.user, "catalog.review_version"),
        },
    )


@login_required
@require_POST
def start_revision(request, pk: int):
    """A new draft copied from the matter's latest version (修订)."""
    matter = get_object_or_404(Matter, pk=pk)
    try:
        draft = services.start_revision(actor=request.user, matter=matter)
    except Conflict as refused:
        messages.error(request, refused.message)
        return redirect("catalog:department_matters")
    messages.success(
        request,
        _("Version %(n)s is a new draft: edit it, then submit it.") % {"n": draft.number},
    )
    return redirect("catalog:edit_version", draft.pk)


def _version_context(request, version: MatterVersion, **extra) -> dict:
    base = selectors.compared_with(version)
    content = fmt.version_content(version)
    draft = version.status == Status.DRAFT
    return {
        "version": version,
        "base": base,
        "changes": changes.element_changes(fmt.version_content(base) if base else None, content),
        "problems": changes.submission_problems(content) if draft else [],
        "notes": selectors.review_notes(version),
        "may_edit": draft and allowed(request.user, "catalog.edit_matter", version),
        "may_review": version.status == Status.IN_REVIEW
        and allowed(request.user, "catalog.review_version", version),
        "may_withdraw": version.status == Status.PUBLISHED
        and allowed(request.user, "catalog.withdraw_version", version),
        "may_list": allowed(request.user, "catalog.edit_matter", version),
        "may_see_queue": allowed(request.user, "catalog.review_version"),
        "return_form": extra.pop("return_form", None) or ReasonForm(auto_id="return-%s"),
        "withdraw_form": extra.pop("withdraw_form", None) or ReasonForm(auto_id="withdraw-%s"),
        **extra,
    }


@never_cache
@login_required
@require_safe
def version_detail(request, pk: int):
    """One version as its reviewer reads it: what changed against the published version,
    what still keeps it from review, the review's notes, and the next steps."""
    version = _version(request, pk)
    return render(request, "catalog/workbench/version.html", _version_context(request, version))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def edit_version(request, pk: int):
    """Edit a draft's main elements, conditions, fees and materials."""
    version = _version(request, pk)
    require(request.user, "catalog.edit_matter", version)
    if version.status != Status.DRAFT:
        messages.error(request, _("Only a draft can be edited: start a revision."))
        return redirect("catalog:version", version.pk)
    data = request.POST if request.method == "POST" else None
    editor = Editor(fmt.version_content(version), data)
    problems: list[tuple[str, str]] = []
    status = 200
    if request.method == "POST":
        if editor.is_valid():
            try:
                services.update_draft(
                    actor=request.user, version=version, content=editor.new_content()
                )
            except services.CatalogueInvalid as invalid:
                problems = changes.described(editor.add_problems(invalid.problems))
            except Conflict as refused:
                messages.error(request, refused.message)
                return redirect("catalog:version", version.pk)
            else:
                messages.success(request, _("The draft has been saved."))
                return redirect("catalog:version", version.pk)
        status = 400
    return render(
        request,
        "catalog/workbench/edit.html",
        {"version": version, "editor": editor, "problems": problems},
        status=status,
    )


STEPS = {
    "submit": (services.submit_version, gettext_lazy("The draft has been submitted for review.")),
    "publish": (services.publish_version, gettext_lazy("The version has been published.")),
    "return": (
        services.return_version,
        gettext_lazy("The version has been returned to its department."),
    ),
    "withdraw": (services.withdraw_version, gettext_lazy("The version has been withdrawn.")),
}


@login_required
@require_POST
def move_version(request, pk: int, step: str):
    """Submit (department), publish or return (platform review), withdraw."""
    if step not in STEPS:
        raise Http404
    version = _version(request, pk)
    service, done = STEPS[step]
    arguments = {}
    if step in ("return", "withdraw"):
        form = ReasonForm(request.POST, auto_id=f"{step}-%s")
        if not form.is_valid():
            context = _version_context(request, version, **{f"{step}_form": form})
            return render(request, "catalog/workbench/version.html", context, status=400)
        arguments["reason"] = form.cleaned_data["reason"]
    try:
        service(actor=request.user, version=version, **arguments)
    except services.CatalogueInvalid:
        messages.error(request, _("The draft is not complete yet: see what is missing below."))
    except Conflict as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, str(done))
        if step in ("publish", "return"):
            return redirect("catalog:review_queue")
    return redirect("catalog:version", version.pk)


@never_cache
@login_required
@require_safe
def review_queue(request):
    """The platform's review queue (待审核事项)."""
    require(request.user, "catalog.review_version")
    return render(request, "catalog/workbench/queue.html", {"versions": selectors.review_queue()})
