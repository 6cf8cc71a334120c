from django.urls import path

from . import plan_views

app_name = "plan"

urlpatterns = [
    path("", plan_views.plan_list, name="list"),
    path("new/", plan_views.task_new, name="new"),
    path("<int:pk>/", plan_views.task_detail, name="task"),
]
