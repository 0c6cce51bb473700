"""Helpers shared by the assessments views."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from ..forms.review import VersionForm


def posted_version(request: HttpRequest) -> int:
    """The card's version a button posts (a stale one is the service's to refuse)."""
    form = VersionForm(request.POST)
    if not form.is_valid():
        raise ValidationError(list(form.errors["version"]))
    return form.cleaned_data["version"]


def run_and_redirect(
    request: HttpRequest, action: Callable[[], Any], success: str, to: str, **kwargs: Any
) -> HttpResponse:
    """Runs a service with ``run_with_message`` and goes to ``to``."""
    run_with_message(request, action, success)
    return redirect(to, **kwargs)


def run_with_message(request: HttpRequest, action: Callable[[], Any], success: str) -> None:
    """Runs a service; its refusal becomes an error message, its success a success message."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
