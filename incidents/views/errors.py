from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form post: say what happened and what to do, change nothing."""
    return render(request, "403_csrf.html", status=403)
