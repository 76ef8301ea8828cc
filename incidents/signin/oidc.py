"""Single sign-on through the organisation's OpenID Connect provider (config/oidc.py):
accounts are made on first sign-in, and the IdP's group claim sets the person's roles
(OIDC_ROLE_MAP), each change on the security log. Local accounts keep working beside it."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.http import HttpRequest

from config.oidc import oidc_groups_claim, oidc_role_map, oidc_roles_from_idp_only
from incidents.services.roles import set_roles
from incidents.signin.adapter import SIGNED_IN_BY


def claims_of(sociallogin: SocialLogin) -> dict[str, Any]:
    """The userinfo and ID token claims, the ID token's winning (signed by the IdP)."""
    data = sociallogin.account.extra_data or {}
    return {**(data.get("userinfo") or {}), **(data.get("id_token") or {})}


def roles_from_groups(groups: Any) -> set[str]:
    mapping = oidc_role_map()
    names = groups if isinstance(groups, list) else [groups] if groups else []
    return {mapping[str(g)] for g in names if str(g) in mapping}


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True  # an account for anyone the organisation's IdP signs in

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        setattr(request, SIGNED_IN_BY, "sso")
        if sociallogin.is_existing:
            self._sync_roles(request, sociallogin)

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        user = super().save_user(request, sociallogin, form)
        self._sync_roles(request, sociallogin)
        return user

    def _sync_roles(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        if not oidc_roles_from_idp_only():
            return
        groups = claims_of(sociallogin).get(oidc_groups_claim())
        set_roles(
            user=sociallogin.user,
            roles=roles_from_groups(groups),
            by_label="single sign-on",
            request=request,
        )
