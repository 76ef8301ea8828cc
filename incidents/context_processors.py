from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from incidents.access import Ability, may
from incidents.roles import ROLE_LABELS, roles_of
from incidents.selectors.mitigation import unread_notifications
from incidents.theme import theme_of


def roles(request: HttpRequest) -> dict:
    names = roles_of(request.user)
    return {
        "user_roles": sorted(ROLE_LABELS[name] for name in names),
        "user_can_write": may(request.user, Ability.WRITE_RESPONSE),
        "user_can_grant_roles": may(request.user, Ability.GRANT_ROLES),
        "user_can_read_security_log": may(request.user, Ability.READ_SECURITY_LOG),
        "unread_notifications": SimpleLazyObject(lambda: unread_notifications(request.user)),
        "theme": theme_of(request),
    }
