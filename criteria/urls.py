from django.urls import path

from . import views

app_name = "criteria"

urlpatterns = [
    path("", views.submission_page, name="submission"),
    path("figures/", views.save_figures, name="save_figures"),
    path("criteria/", views.save_criteria, name="save_criteria"),
    path("texts/", views.save_texts, name="save_texts"),
    path("submit/", views.submit, name="submit"),
    path("approve/", views.approve, name="approve"),
    path("return/", views.return_submission, name="return"),
    path("reopen/", views.reopen, name="reopen"),
    path("history/", views.history, name="history"),
]
