"""A person's notifications, newest first, and the nav's unread badge (which every page
asks for again every 30 s, so it follows without a reload)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from incidents.access import visible_incidents
from incidents.models import Notification
from incidents.services.notifications import mark_all_read
from incidents.views.htmx import AuthedRequest


@login_required
@require_GET
def notification_list(request: AuthedRequest) -> HttpResponse:
    # Only about incidents the user can still see: access may have been withdrawn since.
    notes = Notification.objects.filter(
        user=request.user, incident__in=visible_incidents(request.user)
    ).select_related("incident")
    page = Paginator(notes, 50).get_page(request.GET.get("page"))
    return render(request, "incidents/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read(request: AuthedRequest) -> HttpResponse:
    mark_all_read(user=request.user)
    return redirect("notifications")


@login_required
@require_GET
def notification_badge(request: AuthedRequest) -> HttpResponse:
    """The nav's link with the unread count (one query: the count, read per request)."""
    return render(request, "incidents/notification_badge.html")
