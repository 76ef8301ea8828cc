"""The framework's routes (sign-in, admin) and the app's, which all live in
incidents/urls.py."""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.generic import RedirectView

from incidents.urls import site_urlpatterns

# The admin signs in through the one sign-in page (lockouts, MFA, the security log): its
# own login form would be a way around them.
admin.site.login = login_required(admin.site.login)  # type: ignore[method-assign]

handler500 = "incidents.views.errors.server_error"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="incidents:list", permanent=False)),
    # The app's settings page sits under accounts/: before allauth's catch-all there.
    path("", include(site_urlpatterns)),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("incidents/", include("incidents.urls")),
]
