"""Helpers shared by the assessments views."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _


def posted_version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        raise ValidationError(_("The form is missing the scorecard's version: reload the page.")) from None


def posted_counts(request: HttpRequest) -> dict[int, str]:
    """``count-<rule id>`` fields → {rule id: raw count}; the service checks each."""
    return {
        int(key[6:]): value for key, value in request.POST.items() if key.startswith("count-") and key[6:].isdigit()
    }


def run_and_redirect(
    request: HttpRequest, action: Callable[[], Any], success: str, to: str, **kwargs: Any
) -> HttpResponse:
    """Runs a service; its refusal becomes an error message, its success a success message."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect(to, **kwargs)
