from django.http import HttpRequest

from . import selectors
from .models import Role


def navigation(request: HttpRequest) -> dict[str, object]:
    """Which sections the navigation shows: each role sees what it can do."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    held = {g.role for g in selectors.grants_of(user)}
    if user.is_superuser:
        held = set(Role.values)
    return {
        "nav": {
            "is_admin": Role.ADMINISTRATOR in held,
            "is_reviewer": Role.REVIEWER in held,
            "is_secretary": Role.SECRETARY in held,
            "is_member": bool(held),
        }
    }
