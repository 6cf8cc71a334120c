"""The project's URLs without the pages ``criteria`` adds to the checklist (the checklist
test: an item whose page does not exist is left out, its count never run)."""

from ntm_portal.urls import urlpatterns as project

urlpatterns = [p for p in project if getattr(p, "namespace", None) != "criteria"]
