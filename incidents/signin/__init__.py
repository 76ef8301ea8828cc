"""Signing in: accounts (django-allauth), lockouts (django-axes), MFA policy, sessions,
and single sign-on with OpenID Connect. Every act is on the security log."""
