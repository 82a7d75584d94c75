"""Admin pages for operators: upload process and decision models, see versions and instances.

Stored versions are read-only: a change is a new upload, checked by the same service as the
command line, so the admin cannot store a model the engine would refuse."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tongban.workflow import services
from tongban.workflow.bpmn import check_process
from tongban.workflow.dmn import check_decision
from tongban.workflow.models import DecisionDefinition, ProcessDefinition, ProcessInstance, Task
from tongban.workflow.xml import InvalidModel


def _parse_inputs(text: str) -> dict[str, str]:
    pairs = [part.split("=", 1) for part in text.split(",") if part.strip()]
    if any(len(pair) != 2 for pair in pairs):
        raise forms.ValidationError(_("Write inputs as name=kind pairs separated by commas."))
    return {name.strip(): kind.strip() for name, kind in pairs}


class ProcessUploadForm(forms.ModelForm):
    """Checks the file before anything is stored; every problem shows on the form."""

    file = forms.FileField(label=_("BPMN file"))

    class Meta:
        model = ProcessDefinition
        fields = ["key"]

    def clean(self):
        cleaned = super().clean()
        if "file" in cleaned:
            cleaned["content"] = cleaned["file"].read()
            try:
                check_process(cleaned["content"])
            except InvalidModel as refused:
                raise forms.ValidationError(refused.messages) from None
        return cleaned


class DecisionUploadForm(forms.ModelForm):
    file = forms.FileField(label=_("DMN file"))
    declared_inputs = forms.CharField(
        label=_("inputs"),
        help_text=_("name=kind, comma-separated; kinds: integer, number, string, boolean, date"),
    )

    class Meta:
        model = DecisionDefinition
        fields = ["key"]

    def clean(self):
        cleaned = super().clean()
        if "file" in cleaned and "declared_inputs" in cleaned:
            cleaned["content"] = cleaned["file"].read()
            cleaned["inputs"] = _parse_inputs(cleaned["declared_inputs"])
            try:
                check_decision(cleaned["content"], inputs=cleaned["inputs"])
            except InvalidModel as refused:
                raise forms.ValidationError(refused.messages) from None
        return cleaned


class UploadAdmin(admin.ModelAdmin):
    """Adding is uploading through the service; stored versions cannot be edited or deleted."""

    list_display = ["key", "version", "name", "source", "uploaded_at"]
    list_filter = ["source"]
    search_fields = ["key", "name"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.upload_form
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return super().get_fields(request, obj) if obj else list(self.upload_form.base_fields)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] if obj else []

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        stored = self.upload(request, form.cleaned_data)
        obj.pk, obj.version = stored.pk, stored.version


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(UploadAdmin):
    upload_form = ProcessUploadForm

    def upload(self, request, cleaned):
        return services.upload_process(
            key=cleaned["key"], content=cleaned["content"], actor=request.user
        )


@admin.register(DecisionDefinition)
class DecisionDefinitionAdmin(UploadAdmin):
    upload_form = DecisionUploadForm

    def upload(self, request, cleaned):
        return services.upload_decision(
            key=cleaned["key"],
            content=cleaned["content"],
            inputs=cleaned["inputs"],
            actor=request.user,
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Instances and tasks change only through the engine's services."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProcessInstance)
class ProcessInstanceAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "definition",
        "subject_type",
        "subject_id",
        "status",
        "due_on",
        "next_timer_at",
    ]
    list_filter = ["status", "definition__key"]
    exclude = ["state"]
    readonly_fields = [
        "definition",
        "subject_type",
        "subject_id",
        "status",
        "revision",
        "end_event",
        "due_on",
        "next_timer_at",
        "started_by",
        "started_at",
        "ended_at",
    ]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["id", "name", "department", "role", "status", "assignee", "created_at"]
    list_filter = ["status", "role", "department"]
    list_select_related = ["department", "assignee__account"]
