"""Django's model backend, with the signed-in user read from the shared cache
(incidents.viewer_cache) instead of the database on every request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from incidents import viewer_cache


class CachedUserBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        if not viewer_cache.enabled():
            return super().get_user(user_id)
        return viewer_cache.cached_user(int(user_id), super().get_user)
