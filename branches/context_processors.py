from django.http import HttpRequest

from . import abilities, selectors


def navigation(request: HttpRequest) -> dict[str, object]:
    """Which sections the navigation shows: each ability the user holds somewhere, as
    ``nav.<app>_<ability>`` (``nav.dashboard_view``), read from the ability tables."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    nav: dict[str, bool] = {name.replace(".", "_"): abilities.can(user, name) for name in abilities.ABILITIES}
    nav["is_member"] = user.is_superuser or bool(selectors.grants_of(user))
    return {"nav": nav}
