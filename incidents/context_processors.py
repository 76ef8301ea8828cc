from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from incidents.roles import ROLE_LABELS, can_write_response, roles_of
from incidents.selectors_response import unread_notifications


def roles(request: HttpRequest) -> dict:
    names = roles_of(request.user)
    return {
        "user_roles": sorted(ROLE_LABELS[name] for name in names),
        "user_can_write": can_write_response(request.user),
        "unread_notifications": SimpleLazyObject(lambda: unread_notifications(request.user)),
    }
