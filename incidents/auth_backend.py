"""django-allauth's backend (Django's model backend underneath), with the signed-in user
read from the shared cache (incidents.viewer_cache) instead of the database on every
request."""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend

from incidents import viewer_cache


class CachedUserBackend(AuthenticationBackend):
    def get_user(self, user_id: Any) -> Any:
        if not viewer_cache.enabled():
            return super().get_user(user_id)
        return viewer_cache.cached_user(int(user_id), super().get_user)
