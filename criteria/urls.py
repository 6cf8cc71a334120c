from django.urls import path

from . import views

app_name = "criteria"

urlpatterns = [
    path("", views.submission_page, name="submission"),
    path("submit/", views.submit, name="submit"),
    path("approve/", views.approve, name="approve"),
    path("return/", views.return_submission, name="return"),
    path("reopen/", views.reopen, name="reopen"),
    path("history/", views.history, name="history"),
]
