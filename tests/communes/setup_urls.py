"""The project's URLs plus stand-ins for pages other apps add later (the checklist test)."""

from django.http import HttpResponse
from django.urls import include, path

from communes import urls as communes_urls
from ntm_portal.urls import urlpatterns as project


def _page(request):
    return HttpResponse("")


criteria_pages = ([
    path("unit/catalogue/", _page, name="unit-catalogue"),
    path("unit/targets/", _page, name="unit-targets"),
    path("unit/opening/", _page, name="opening-balances"),
], "criteria")
communes_pages = ([path("setup/registries/", _page, name="registry-import"),
                   *communes_urls.urlpatterns], "communes")

urlpatterns = [path("", include(criteria_pages)), path("communes/", include(communes_pages)),
               *(p for p in project if getattr(p, "namespace", None) != "communes")]
