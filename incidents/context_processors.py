from django.http import HttpRequest

from incidents.roles import ROLE_LABELS, can_write_response, roles_of


def roles(request: HttpRequest) -> dict:
    names = roles_of(request.user)
    return {
        "user_roles": sorted(ROLE_LABELS[name] for name in names),
        "user_can_write": can_write_response(request.user),
    }
