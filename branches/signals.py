"""What must follow a change to a user whichever path makes it."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from . import services
from .models import User


@receiver(post_save, sender=User)
def _password_changed(sender: type[User], instance: User, created: bool, **kwargs: object) -> None:
    # Django keeps the new raw password in `_password` from set_password() until save() has
    # run, and clears it before saving a mere hash upgrade: so this is a real change, by
    # any path (the password-change page, the admin's form, `manage.py changepassword`).
    # API tokens stand in for the password and must not outlive it.
    if not created and getattr(instance, "_password", None) is not None:
        services.api_tokens_revoke_all(user=instance, reason="password_changed")
