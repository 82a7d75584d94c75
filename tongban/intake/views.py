"""Pages of the one door (一扇门): applying (form, drafts, materials, receipt), following an
application, the officials' workbench (queues, case page, task forms) and counter intake.

Thin: services write (and check permissions), selectors read; a refused step shows its
localized reason and changes nothing."""

import datetime
import logging
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tongban.catalog.models import LifeEvent, MatterVersion
from tongban.core.api import Conflict
from tongban.core.permissions import allowed
from tongban.identity.predicates import official_of, person_of
from tongban.intake import forms, instant_path, prefill, selectors, services
from tongban.intake.models import Application, Status, Upload
from tongban.workflow.models import Task
from tongban.workflow.xml import InvalidModel


def _application(request, pk: int) -> Application:
    application = selectors.application(pk=pk)
    if application is None or not allowed(request.user, "intake.view_application", application):
        raise Http404
    return application


def _refusal(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(
            " ".join(m) for m in getattr(error, "message_dict", {"": error.messages}).values()
        )
    if isinstance(error, InvalidModel):
        return (
            " ".join(p.message for p in error.problems)
            if hasattr(error, "problems")
            else str(error)
        )
    if isinstance(error, Conflict):
        return error.message
    return _("You may not do this.")


logger = logging.getLogger("tongban.intake")

# What a step refuses with a message on the page. Not PermissionDenied: a refusal of the
# caller (not of the input or the state) is a 403, as everywhere else on the platform.
REFUSALS = (ValidationError, Conflict, Task.DoesNotExist, InvalidModel)


# -- applying ---------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def start(request, version: int):
    """The application form of a published version: saving creates a draft."""
    version = get_object_or_404(MatterVersion, pk=version, status=MatterVersion.Status.PUBLISHED)
    return _start(request, version=version)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def start_life_event(request, code: str):
    life_event = get_object_or_404(LifeEvent, code=code)
    return _start(request, life_event=life_event)


def _start(request, *, version=None, life_event=None):
    probe = Application(version=version, life_event=life_event)
    try:
        schema = services.form_schema_of(probe)
    except Conflict as error:
        messages.error(request, error.message)
        return redirect("portal:home")
    form = forms.ApplicationForm(request.POST or None, schema=schema)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.save_draft(
                actor=request.user,
                version=version,
                life_event=life_event,
                form_data=form.answers(),
                party=_chosen_party(request),
            )
        except REFUSALS as error:
            messages.error(request, _refusal(error))
        else:
            _prefill(request, application)
            messages.success(request, _("Draft saved. Add your materials, then submit."))
            if form.newly_applicable(application.form_data):
                messages.info(request, _("Your answers bring further questions: answer them."))
            return redirect("intake:edit", application.pk)
    return render(
        request,
        "intake/apply.html",
        {
            "form": form,
            "title": version.name if version else life_event.name,
            "version": version,
            "life_event": life_event,
            "parties": [
                (
                    f"{r.party._meta.model_name}:{r.party.pk}",
                    getattr(r.party, "real_name", None) or r.party.name,
                )
                for r in _parties(request)
            ],
        },
    )


def _prefill(request, application) -> None:
    """Fetch what the registries hold for the draft (outside any transaction: the gateway
    commits its access-log line first). A failure never blocks the applicant: the materials
    are then fetched on the draft page's next visit."""
    try:
        prefill.prefill(actor=request.user, application=application)
    except REFUSALS as error:
        messages.error(request, _refusal(error))
    except Exception:  # a registry fault must not lose the saved draft; retried on next visit
        logger.exception("prefill failed", extra={"application": application.pk})
        messages.warning(
            request, _("Some materials could not be fetched now; they will be on your next visit.")
        )


def _parties(request):
    person = person_of(request.user)
    if person is None:
        return []
    from tongban.identity.selectors import relations_of

    return [r for r in relations_of(person=person) if "apply" in r.scopes]


def _chosen_party(request):
    choice = request.POST.get("party", "")
    for relation in _parties(request):
        if f"{relation.party._meta.model_name}:{relation.party.pk}" == choice:
            return relation.party
    return None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    """A draft: answers, materials, and submission (with the form's one-time token)."""
    application = _application(request, pk)
    if not allowed(request.user, "intake.act_as_applicant", application):
        raise Http404
    if application.status != Status.DRAFT:
        return redirect(*_detail_url(request, application))
    if request.method == "GET" and prefill.pending(application):
        # A draft made elsewhere (API, before this step existed): fetch now, then show it.
        _prefill(request, application)
        application = _application(request, pk)
    schema = services.form_schema_of(application)
    form = forms.ApplicationForm(
        request.POST or None,
        schema=schema,
        answers=application.form_data,
        initial={"form_token": secrets.token_urlsafe(16)},
    )
    if request.method == "POST" and form.is_valid():
        answers = form.answers()
        try:
            application = services.save_draft(
                actor=request.user, application=application, form_data=answers
            )
            if form.newly_applicable(answers):
                # Step two without JavaScript: the answers opened questions not yet shown.
                messages.info(request, _("Your answers bring further questions: answer them."))
                return redirect("intake:edit", application.pk)
            if "submit" in request.POST:
                token = form.cleaned_data.get("form_token") or ""
                submission = services.submit_application(
                    actor=request.user, application=application, idempotency_key=token
                )
                return redirect("intake:receipt", submission.application.pk)
            messages.success(request, _("Draft saved."))
            return redirect("intake:edit", application.pk)
        except ValidationError as error:
            form.add_answer_errors(
                {k: v for k, v in error.message_dict.items() if not k.startswith("materials")}
                if hasattr(error, "error_dict")
                else {"": error.messages}
            )
            missing = [
                m
                for k, ms in getattr(error, "message_dict", {}).items()
                if k.startswith("materials")
                for m in ms
            ]
            for message in missing:
                messages.error(request, message)
        except REFUSALS as error:
            messages.error(request, _refusal(error))
    return render(request, "intake/edit.html", _edit_context(request, application, form))


def _is_the_applicant(application, request) -> bool:
    """The person whose registry data was read (not a clerk or a representative)."""
    person = person_of(request.user)
    return person is not None and application.person_id == person.pk


def _edit_context(request, application, form, upload_form=None):
    materials = services.material_codes(application)
    return {
        "application": application,
        "form": form,
        "upload_form": upload_form or forms.UploadForm(materials=materials),
        "materials": materials.values(),
        "uploads": application.uploads.all(),
        "provided": selectors.provided_of(application),
        "show_data_usage": _is_the_applicant(application, request),
    }


@login_required
@require_POST
def add_material(request, pk: int):
    application = _application(request, pk)
    if not allowed(request.user, "intake.act_as_applicant", application):
        raise PermissionDenied  # before the form: an empty one must not look accepted
    materials = services.material_codes(application)
    upload_form = forms.UploadForm(request.POST, request.FILES, materials=materials)
    if upload_form.is_valid():
        try:
            services.add_material(
                actor=request.user,
                application=application,
                material_code=upload_form.cleaned_data["material"],
                file=upload_form.cleaned_data["file"],
                name=upload_form.cleaned_data["file"].name,
            )
            messages.success(request, _("File added."))
        except REFUSALS as error:
            messages.error(request, _refusal(error))
    else:
        for problems in upload_form.errors.values():
            for problem in problems:
                messages.error(request, problem)
    return redirect(*_back(request, application))


def _back(request, application):
    if application.status == Status.DRAFT:
        return "intake:edit", application.pk
    return _detail_url(request, application)


def _detail_url(request, application):
    if official_of(request.user) is not None:
        return "intake:case", application.pk
    return "intake:detail", application.pk


@login_required
@require_POST
def remove_material(request, pk: int):
    upload = get_object_or_404(Upload.objects.select_related("application"), pk=pk)
    _application(request, upload.application_id)
    try:
        services.remove_material(actor=request.user, upload=upload)
    except REFUSALS as error:
        messages.error(request, _refusal(error))
    return redirect("intake:edit", upload.application_id)


@login_required
@require_safe
def download(request, pk: int):
    """A material file, only ever as an attachment with its checked type (never rendered by
    the browser on the platform's origin)."""
    upload = get_object_or_404(Upload, pk=pk)
    application = _application(request, upload.application_id)
    del application
    response = FileResponse(
        default_storage.open(upload.file.name, "rb"),
        as_attachment=True,
        filename=upload.original_name,
        content_type=upload.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# -- following an application -----------------------------------------------------------------


@never_cache
@login_required
@require_safe
def mine(request):
    person = person_of(request.user)
    if person is None:
        return redirect("intake:workbench")
    status = request.GET.get("status") or None
    if status not in Status.values:
        status = None
    return render(
        request,
        "intake/mine.html",
        {
            "applications": selectors.applications_of(person=person, status=status)[:200],
            "statuses": Status.choices,
            "status": status,
        },
    )


@never_cache
@login_required
@require_safe
def detail(request, pk: int):
    application = _application(request, pk)
    return render(request, "intake/detail.html", _detail_context(request, application))


def _detail_context(request, application):
    supplement = application.supplements.filter(answered_at__isnull=True).last()
    return {
        "application": application,
        "timeline": selectors.timeline(application),
        "children": application.children.select_related("version", "department"),
        "supplement": supplement,
        "upload_form": forms.UploadForm(materials=services.material_codes(application))
        if supplement
        else None,
        "uploads": selectors.uploads_of(application),
        "provided": selectors.provided_of(application),
        "show_data_usage": _is_the_applicant(application, request),
        "opinions": application.opinions.select_related("department"),
        "receipt": selectors.receipt(application),
        "decision_receipt": selectors.decision_receipt(application),
        "days_left": selectors.working_days_left(application.due_on)
        if application.status in (Status.SUBMITTED, Status.ACCEPTED, Status.IN_REVIEW)
        else None,
        "may_act": allowed(request.user, "intake.act_as_applicant", application),
        "may_withdraw": application.status in services.TRANSITIONS["withdraw"][0],
        "explanation": instant_path.explanation_for(application),
        "official_view": request.user.kind == "official",
        "may_request_review": instant_path.automatic_refusal(application) is not None
        and allowed(request.user, "intake.request_review", application),
    }


@never_cache
@login_required
@require_safe
def receipt(request, pk: int):
    """The receipt (受理回执 / 办件回执): number, date, due date, ledger receipt; printable."""
    application = _application(request, pk)
    if not application.number:
        raise Http404
    return render(
        request,
        "intake/receipt.html",
        {
            "application": application,
            "receipt": selectors.receipt(application),
            "children": application.children.select_related("version", "department"),
            "explanation": instant_path.explanation_for(application),
            "official_view": request.user.kind == "official",
        },
    )


@login_required
@require_POST
def withdraw(request, pk: int):
    application = _application(request, pk)
    try:
        services.withdraw_application(
            actor=request.user, application=application, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("The application was withdrawn."))
    except REFUSALS as error:
        messages.error(request, _refusal(error))
    return redirect("intake:detail", pk)


@login_required
@require_POST
def request_review(request, pk: int):
    """人工复核: the applicant puts an automatic refusal before an official."""
    application = _application(request, pk)
    try:
        instant_path.request_human_review(actor=request.user, application=application)
        messages.success(request, _("An official will review your application."))
    except REFUSALS as error:
        messages.error(request, _refusal(error))
    return redirect("intake:detail", pk)


@login_required
@require_POST
def answer_supplement(request, pk: int):
    application = _application(request, pk)
    try:
        services.answer_supplement(
            actor=request.user, application=application, answer=request.POST.get("answer", "")
        )
        messages.success(request, _("Your supplement was handed in."))
    except REFUSALS as error:
        messages.error(request, _refusal(error))
    return redirect("intake:detail", pk)


@never_cache
@login_required
@require_safe
def inbox(request):
    return render(
        request,
        "intake/messages.html",
        {"items": selectors.messages_of(account=request.user)[:100]},
    )


# -- the workbench ----------------------------------------------------------------------------


def _official(request):
    official = official_of(request.user)
    if official is None:
        raise PermissionDenied
    return official


def _date(value: str):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@never_cache
@login_required
@require_safe
def workbench(request):
    """My queue (待办) and my department's (部门), filtered by matter, status and due date."""
    official = _official(request)
    view = "department" if request.GET.get("view") == "department" else "mine"
    filters = {
        "due_before": _date(request.GET.get("due_before", "")),
        "status": request.GET.get("status") if request.GET.get("status") in Status.values else None,
        "matter": int(request.GET["matter"]) if request.GET.get("matter", "").isdigit() else None,
    }
    if view == "department":
        if not allowed(request.user, "intake.view_department_queue"):
            raise PermissionDenied
        rows = selectors.department_queue(official=official, **filters)
    else:
        rows = selectors.my_queue(official=official, **filters)
    matters = {
        row.application.version.matter_id: row.application.version.name
        for row in rows
        if row.application.version_id
    }
    return render(
        request,
        "intake/workbench.html",
        {
            "official": official,
            "rows": rows,
            "view": view,
            "filters": filters,
            "statuses": Status.choices,
            "matters": sorted(matters.items(), key=lambda m: m[1]),
            "overdue": selectors.overdue(official=official)[:50],
            "unread": selectors.unread_count(account=request.user),
            "reviews": instant_path.review_requested_numbers(
                row.application.number for row in rows
            ),
        },
    )


@never_cache
@login_required
@require_safe
def case(request, pk: int):
    official = _official(request)
    application = _application(request, pk)
    tasks = selectors.active_tasks_for(application, official)
    return render(
        request,
        "intake/case.html",
        {
            **_detail_context(request, application),
            "official": official,
            "answers": _shown_answers(application),
            "tasks": tasks,
            "all_tasks": selectors.tasks_of(application),
            "materials_choice": services.material_codes(application).values(),
            "may_deliver": allowed(request.user, "intake.deliver_result", application),
        },
    )


def _shown_answers(application):
    schema = services.form_schema_of(application)
    properties = schema.get("properties", {})
    answers = application.form_data
    from tongban.catalog.formschema import ordered_fields
    from tongban.core.identifiers import mask_id_number

    rows = []
    for name, field in ordered_fields({"properties": properties}):
        if name in answers:
            value = answers[name]
            if field.get("x-widget") == "id_number" and isinstance(value, str):
                value = mask_id_number(value)
            rows.append((forms.label(field), value))
    return rows


@login_required
@require_POST
def task_action(request, pk: int, task: int, action: str):
    _official(request)
    application = _application(request, pk)
    version = request.POST.get("version", "")
    expected = int(version) if version.isdigit() else None
    try:
        if action == "claim":
            services.claim_task(
                actor=request.user, application=application, task=task, expected_version=expected
            )
            messages.success(request, _("You took the task."))
        elif action == "return":
            services.return_task(
                actor=request.user,
                application=application,
                task=task,
                reason=request.POST.get("reason", ""),
                expected_version=expected,
            )
            messages.success(request, _("The task went back to the queue."))
        elif action == "supplement":
            services.request_supplement(
                actor=request.user,
                application=application,
                task=task,
                reasons=request.POST.get("reasons", ""),
                materials=request.POST.getlist("materials"),
                expected_version=expected,
            )
            messages.success(request, _("The applicant was asked for a supplement."))
        elif action == "decide":
            services.decide_task(
                actor=request.user,
                application=application,
                task=task,
                outcome=request.POST.get("outcome", ""),
                reasons=request.POST.get("reasons", ""),
                legal_basis=request.POST.get("legal_basis", ""),
                expected_version=expected,
            )
            messages.success(request, _("Your decision was recorded."))
        else:
            raise Http404
    except REFUSALS as error:
        messages.error(request, _refusal(error))
    return redirect("intake:case", pk)


@login_required
@require_POST
def deliver(request, pk: int):
    application = _application(request, pk)
    try:
        if request.POST.get("action") == "close":
            services.close_application(actor=request.user, application=application)
        else:
            services.deliver_result(actor=request.user, application=application)
    except REFUSALS as error:
        messages.error(request, _refusal(error))
    return redirect("intake:case", pk)


# -- counter intake ---------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def counter(request):
    """一窗受理: find the walk-in applicant by ID number, then fill in the same form as online."""
    if not allowed(request.user, "intake.register_at_counter"):
        raise PermissionDenied
    form = forms.CounterForm(
        request.POST or None, may_verify=allowed(request.user, "identity.verify_at_counter")
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.start_at_counter(
                actor=request.user,
                id_number=form.cleaned_data["id_number"],
                version=form.cleaned_data["version"],
                verified_document=form.cleaned_data.get("verified_document", ""),
            )
            if application is None:
                form.add_error(
                    "id_number",
                    _("No one with this ID number is registered; register the person first."),
                )
            else:
                if form.cleaned_data.get("verified_document"):
                    messages.success(request, _("Identity verified in person (L3) recorded."))
                _prefill(request, application)
                return redirect("intake:edit", application.pk)
        except ValidationError as error:
            form.add_error("id_number", error.messages)
        except REFUSALS as error:
            messages.error(request, _refusal(error))
    registered = Application.objects.filter(
        registered_by=_official(request), created_at__date=timezone.localdate()
    ).select_related("version", "person")[:50]
    return render(request, "intake/counter.html", {"form": form, "registered": registered})
