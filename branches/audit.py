"""The audit log: sign-ins, role changes, imports, submissions, reviews and exports.

Services call ``record(...)``; sign-ins are recorded from Django's auth signals. The
acting request, when there is one, is found through a context variable that the
middleware sets, so services need not pass it along.
"""

import contextvars
from collections.abc import Callable
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from config.client_ip import client_ip

from .models import AuditEvent, Organisation, User

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("audit_request", default=None)


class Action:
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    ROLE_GRANTED = "role_granted"
    ROLE_REVOKED = "role_revoked"
    ORGANISATION_CHANGED = "organisation_changed"
    IMPORT = "import"
    EXPORT = "export"
    SUBMISSION = "submission"
    REVIEW = "review"
    API_TOKENS_REVOKED = "api_tokens_revoked"
    PASSWORD_CHECK_FAILED = "password_check_failed"  # noqa: S105 - an action name, no secret


def record(
    action: str,
    *,
    actor: User | None = None,
    organisation: Organisation | None = None,
    target: str = "",
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    request = request or _current_request.get()
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_name=(actor.get_username() if actor else ""),
        action=action,
        organisation=organisation,
        organisation_path=organisation.path if organisation else "",
        target=str(target)[:200],
        detail=detail or {},
        ip_address=client_ip(request) if request is not None else "",
    )


class AuditRequestMiddleware:
    """Makes the current request known to ``record`` for the length of the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


@receiver(user_logged_in)
def _signed_in(sender: object, request: HttpRequest | None, user: User, **kwargs: object) -> None:
    record(Action.SIGN_IN, actor=user, target=user.get_username(), request=request)


@receiver(user_logged_out)
def _signed_out(sender: object, request: HttpRequest | None, user: User | None, **kwargs: object) -> None:
    if user is not None:
        record(Action.SIGN_OUT, actor=user, target=user.get_username(), request=request)


@receiver(user_login_failed)
def _sign_in_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: object
) -> None:
    # The password is never stored; Django already masks it in `credentials`.
    username = str(credentials.get("username", ""))[:150]
    record(Action.SIGN_IN_FAILED, actor=None, target=username, request=request)
