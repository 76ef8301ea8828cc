"""Single sign-on with OpenID Connect, from the environment (README "Configuration").

OIDC_ISSUER unset: local accounts only. Set: one OpenID Connect provider for django-allauth,
with its client, and the claim and mapping that turn the IdP's groups into roles."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_list, env_str

PROVIDER_ID = "sso"


def oidc_providers() -> dict[str, Any]:
    issuer = env_str("OIDC_ISSUER").rstrip("/")
    if not issuer:
        return {}
    if not issuer.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise ImproperlyConfigured("OIDC_ISSUER must be an https:// address.")
    client_id, secret = env_str("OIDC_CLIENT_ID"), env_str("OIDC_CLIENT_SECRET")
    if not client_id or not secret:
        raise ImproperlyConfigured("OIDC_ISSUER needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET.")
    return {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": PROVIDER_ID,
                    "name": env_str("OIDC_NAME", "Single sign-on"),
                    "client_id": client_id,
                    "secret": secret,
                    "settings": {
                        "server_url": issuer,
                        "token_auth_method": "client_secret_post",
                    },
                }
            ],
            "SCOPE": env_list("OIDC_SCOPES", ["openid", "profile", "email"]),
        }
    }


def oidc_role_map() -> dict[str, str]:
    """OIDC_ROLE_MAP="ir-admins=admin,ir-leads=incident_commander": IdP group -> role."""
    mapping: dict[str, str] = {}
    for pair in env_list("OIDC_ROLE_MAP", []):
        group, _, role = pair.partition("=")
        if not group.strip() or not role.strip():
            raise ImproperlyConfigured(f"OIDC_ROLE_MAP entry {pair!r} is not group=role.")
        mapping[group.strip()] = role.strip()
    return mapping


def oidc_groups_claim() -> str:
    return env_str("OIDC_GROUPS_CLAIM", "groups")


def oidc_roles_from_idp_only() -> bool:
    """True: each SSO sign-in sets the roles to what the IdP's groups map to."""
    return env_bool("OIDC_ROLES_FROM_IDP", True)


def oidc_trusts_idp_mfa() -> bool:
    """True: a person signed in through the IdP is not asked for Breachroom's own second
    factor (the IdP enforces one). False: roles that require MFA require it here too."""
    return env_bool("OIDC_TRUST_IDP_MFA", True)
