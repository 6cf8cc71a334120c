from django.urls import path, re_path

from . import plan_views

app_name = "plan"

urlpatterns = [
    path("", plan_views.plan_list, name="list"),
    path("new/", plan_views.task_new, name="new"),
    # At most 18 digits: a larger id overflows the database (404, not 500).
    re_path(r"^(?P<pk>[0-9]{1,18})/$", plan_views.task_detail, name="task"),
]
