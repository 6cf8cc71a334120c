from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from communes import account_views, notice_views
from communes import views as commune_views
from criteria import import_views, plan_views
from criteria import views as criteria_views
from ocop import views as ocop_views
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
    path("accounts/password/", account_views.password_change, name="password_change"),
    path("accounts/logout-everywhere/", account_views.logout_all, name="logout_everywhere"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("communes/<slug:slug>/<int:year>/q<int:quarter>/", include("criteria.import_urls")),
    path("review/<int:year>/q<int:quarter>/template.xlsx", import_views.district_template,
         name="district_template"),
    path("review/<int:year>/q<int:quarter>/import/", import_views.district_import,
         name="district_import"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view loads its start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", api_root, name="api-root"),
    path("api/", include("communes.api.urls")),
    path("api/", include("criteria.api.urls")),
    path("api/", include("ocop.api.urls")),
    path("", include("criteria.urls")),  # a commune's quarter, and a unit's catalogue pages
    path("review/<int:year>/q<int:quarter>/", criteria_views.review_board, name="review_board"),
    path("communes/<slug:slug>/plan/", plan_views.commune_plan, name="commune_plan"),
    path("plan/", include("criteria.plan_urls")),
    path("", include("communes.urls")),  # communes, and a unit's periods
    path("ocop/", include("ocop.urls")),
    path("reports/", include("reports.urls")),
    # The back office's own password change would skip the accounts service.
    path("admin/password_change/", RedirectView.as_view(pattern_name="password_change")),
    path("admin/", admin.site.urls),
    # Uploaded files (OCOP photos), in production too, with the scope of their product.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", ocop_views.photo, name="media"),
]

handler500 = "ntm_portal.views.server_error"
