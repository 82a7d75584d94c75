from django.urls import path

from tongban.intake import views

app_name = "intake"
urlpatterns = [
    path("apply/<int:version>/", views.start, name="start"),
    path("apply/life-event/<slug:code>/", views.start_life_event, name="start_life_event"),
    path("applications/", views.mine, name="mine"),
    path("applications/<int:pk>/", views.detail, name="detail"),
    path("applications/<int:pk>/edit/", views.edit, name="edit"),
    path("applications/<int:pk>/materials/", views.add_material, name="add_material"),
    path("applications/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("applications/<int:pk>/review/", views.request_review, name="request_review"),
    path("applications/<int:pk>/supplement/", views.answer_supplement, name="answer_supplement"),
    path("applications/files/<int:pk>/", views.download, name="download"),
    path("applications/files/<int:pk>/remove/", views.remove_material, name="remove_material"),
    path("messages/", views.inbox, name="messages"),
    path("workbench/cases/", views.workbench, name="workbench"),
    path("workbench/cases/<int:pk>/", views.case, name="case"),
    path("workbench/cases/<int:pk>/result/", views.deliver, name="deliver"),
    path(
        "workbench/cases/<int:pk>/tasks/<int:task>/<slug:action>/",
        views.task_action,
        name="task_action",
    ),
    path("counter/", views.counter, name="counter"),
]
