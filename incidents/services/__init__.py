"""Every write goes through a function in this package (DESIGN "Layers")."""

from django.core.exceptions import ValidationError


class ServiceError(ValidationError):
    """A refused response step; its message is shown to the user as it is."""
