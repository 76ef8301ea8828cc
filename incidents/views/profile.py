"""A person's own settings page, and sign-in that brings the chosen zone into the session."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from incidents.services import ServiceError
from incidents.services.profiles import chosen_zone, remember_in_session, set_time_zone
from incidents.user_zone import COOKIE, parse_zone, utc_offset_text, zone_names
from incidents.views.htmx import UNPROCESSABLE, AuthedRequest


@login_required
@require_http_methods(["GET", "POST"])
def profile_page(request: AuthedRequest) -> HttpResponse:
    error, status = "", 200
    if request.method == "POST":
        try:
            set_time_zone(
                user=request.user,
                zone=request.POST.get("time_zone", "")[:100],
                session=request.session,
            )
        except ServiceError as refused:
            error, status = " ".join(refused.messages), UNPROCESSABLE
        else:
            messages.success(request, "Saved: times are now shown in your chosen zone.")
            return redirect("profile")
    browser = parse_zone(request.COOKIES.get(COOKIE))
    now = timezone.now()
    shown = timezone.get_current_timezone()
    context = {
        "chosen": request.POST.get("time_zone", "") if error else chosen_zone(request.user),
        "zones": zone_names(),
        "browser_zone": str(browser) if browser else "",
        "shown_zone": str(shown),
        "shown_offset": utc_offset_text(shown, now),
        "error": error,
    }
    return render(request, "incidents/profile.html", context, status=status)


class SignInView(auth_views.LoginView):
    """Django's sign-in, then the zone the person chose (if any) for this session."""

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        remember_in_session(self.request.session, chosen_zone(form.get_user()))
        return response
