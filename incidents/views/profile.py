"""A person's own settings page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from incidents.models import EmailNotifications, UserSession
from incidents.services import ServiceError, security_log
from incidents.services.notification_mail import preference
from incidents.services.profiles import chosen_zone, set_email_notifications, set_time_zone
from incidents.signin.sessions import end_sessions
from incidents.theme import THEME_CHOICES, remember_theme, theme_of
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
            if "email_notifications" in request.POST:
                set_email_notifications(
                    user=request.user, choice=request.POST["email_notifications"]
                )
        except ServiceError as refused:
            error, status = " ".join(refused.messages), UNPROCESSABLE
        else:
            messages.success(request, "Saved.")
            response = redirect("profile")
            remember_theme(response, request.POST.get("theme", ""))
            return response
    browser = parse_zone(request.COOKIES.get(COOKIE))
    now = timezone.now()
    shown = timezone.get_current_timezone()
    context = {
        "sessions": UserSession.objects.filter(user=request.user),
        "current_session": request.session.session_key,
        "chosen": request.POST.get("time_zone", "") if error else chosen_zone(request.user),
        "zones": zone_names(),
        "browser_zone": str(browser) if browser else "",
        "shown_zone": str(shown),
        "shown_offset": utc_offset_text(shown, now),
        "error": error,
        "email_choices": EmailNotifications.choices,
        "email_chosen": preference(request.user),
        "email_address": request.user.email,
        "theme_choices": THEME_CHOICES,
        "theme": theme_of(request),
    }
    return render(request, "incidents/profile.html", context, status=status)


@login_required
@require_http_methods(["POST"])
def end_other_sessions(request: AuthedRequest) -> HttpResponse:
    """Sign out everywhere else: every other session of this person ends now."""
    ended = end_sessions(user=request.user, keep=request.session.session_key)
    security_log.record(
        "sessions.ended", actor=request.user, request=request, details={"ended": ended}
    )
    messages.success(request, f"Signed out of {ended} other session{'s' * (ended != 1)}.")
    return redirect("profile")
