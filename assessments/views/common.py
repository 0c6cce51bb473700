"""Helpers shared by the assessments views."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from config.request_values import MAX_ID, parse_id, parse_int


def posted_version(request: HttpRequest) -> int:
    try:
        return parse_int(request.POST.get("version", ""), min_value=0, max_value=MAX_ID)
    except ValidationError:
        raise ValidationError(_("The form is missing the scorecard's version: reload the page.")) from None


def posted_counts(request: HttpRequest) -> dict[int, str]:
    """``count-<rule id>`` fields → {rule id: raw count}; the service checks each count. A
    field whose id is not one (``count-²``) names no rule of the article: refused, as the
    service refuses a rule of another article."""
    counts: dict[int, str] = {}
    for key, value in request.POST.items():
        if not key.startswith("count-"):
            continue
        rule_id = parse_id(key[6:])
        if rule_id is None:
            raise ValidationError(_("That deduction rule does not belong to this article."))
        counts[rule_id] = value
    return counts


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
