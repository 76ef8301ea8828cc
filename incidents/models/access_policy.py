"""Who is signed in where, and what each role must do to sign in."""

from django.conf import settings
from django.db import models


class UserSession(models.Model):
    """A signed-in session, so a person (or an admin) can see and end them all."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="breachroom_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now_add=True)
    address = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    method = models.CharField(max_length=20, blank=True)  # password | sso | passkey

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"session of {self.user_id} from {self.address}"


class RoleMfaPolicy(models.Model):
    """Whether holders of a role must have a second factor (enrolled at next sign-in)."""

    role = models.CharField(max_length=40, unique=True)
    mfa_required = models.BooleanField(default=False)

    class Meta:
        ordering = ["role"]
        verbose_name_plural = "role MFA policies"

    def __str__(self) -> str:
        return f"{self.role}: MFA {'required' if self.mfa_required else 'optional'}"
