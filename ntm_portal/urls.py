from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, re_path

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from communes import account_views, notice_views
from communes import views as commune_views
from criteria import import_views, plan_views
from criteria import views as criteria_views
from ntm_portal.api import api_root

urlpatterns = [
    path("", commune_views.home, name="home"),
    # Pages without our <link rel="icon"> (the admin, the API docs) make browsers ask here.
    path("favicon.ico", lambda request: redirect(static("favicon.svg"), permanent=True)),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/profile/", account_views.profile, name="profile"),
    path("accounts/notifications/", notice_views.notices, name="notifications"),
    re_path(r"^accounts/notifications/(?P<pk>[0-9]{1,18})/open/$", notice_views.open_notice,
            name="notice_open"),
    path("accounts/notifications/read/", notice_views.read_all, name="notices_read"),
    path("accounts/notifications/preferences/", notice_views.save_preferences,
         name="notice_preferences"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("communes/<slug:slug>/<int:year>/q<int:quarter>/", include("criteria.import_urls")),
    path("review/<int:year>/q<int:quarter>/template.xlsx", import_views.district_template,
         name="district_template"),
    path("review/<int:year>/q<int:quarter>/import/", import_views.district_import,
         name="district_import"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", api_root, name="api-root"),
    path("api/", include("communes.api.urls")),
    path("api/", include("criteria.api.urls")),
    path("api/", include("ocop.api.urls")),
    path("communes/<slug:slug>/<int:year>/q<int:quarter>/", include("criteria.urls")),
    path("review/<int:year>/q<int:quarter>/", criteria_views.review_board, name="review_board"),
    path("communes/<slug:slug>/plan/", plan_views.commune_plan, name="commune_plan"),
    path("plan/", include("criteria.plan_urls")),
    path("communes/", include("communes.urls")),
    path("ocop/", include("ocop.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler500 = "ntm_portal.views.server_error"
