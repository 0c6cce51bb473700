"""The audit log: sign-ins, role changes, imports, submissions, reviews and exports.

Services call ``record(...)``; sign-ins are recorded from Django's auth signals. The
acting request, when there is one, is found through a context variable that the
middleware sets, so services need not pass it along.
"""

import contextvars
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.translation import pgettext_lazy

from config.client_ip import client_ip

from .models import AuditEvent, Organisation, User

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("audit_request", default=None)


class Action(models.TextChoices):
    """The audit log's actions: the code is stored, the label is what a page shows."""

    SIGN_IN = "sign_in", pgettext_lazy("audit action", "Signed in")
    SIGN_IN_FAILED = "sign_in_failed", pgettext_lazy("audit action", "Sign-in failed")
    SIGN_OUT = "sign_out", pgettext_lazy("audit action", "Signed out")
    ROLE_GRANTED = "role_granted", pgettext_lazy("audit action", "Role granted")
    ROLE_REVOKED = "role_revoked", pgettext_lazy("audit action", "Role revoked")
    ORGANISATION_CHANGED = "organisation_changed", pgettext_lazy("audit action", "Organisation changed")
    IMPORT = "import", pgettext_lazy("audit action", "Import")
    EXPORT = "export", pgettext_lazy("audit action", "Export")
    SUBMISSION = "submission", pgettext_lazy("audit action", "Scorecard submitted")
    REVIEW = "review", pgettext_lazy("audit action", "Review finalised")
    API_TOKENS_REVOKED = "api_tokens_revoked", pgettext_lazy("audit action", "API tokens revoked")
    PASSWORD_CHECK_FAILED = "password_check_failed", pgettext_lazy("audit action", "Wrong current password")
    MEETING_CORRECTED = "meeting_corrected", pgettext_lazy("audit action", "Meeting record corrected")
    MEETING_FILE_ADDED = "meeting_file_added", pgettext_lazy("audit action", "Meeting file added")
    MEETING_FILE_REMOVED = "meeting_file_removed", pgettext_lazy("audit action", "Meeting file removed")


def action_label(code: str) -> str:
    """The action's words in the active language; an unknown code (from an older release)
    is shown as it was stored rather than hidden."""
    return str(Action(code).label) if code in Action.values else code


def action_choices() -> list[tuple[str, str]]:
    """(code, label) of every action, once each, in the order of their labels."""
    return sorted(((code, str(label)) for code, label in Action.choices), key=lambda choice: choice[1])


def _verbose_name(model: str) -> Callable[[], str]:
    # Resolved when shown: the apps that record events import this module.
    return lambda: str(apps.get_model(model)._meta.verbose_name)


# What ``target`` starts with, as the services write it (in English, whatever the language of
# the request, so that the log reads the same to everyone): the kind of thing, then its
# number or period. Pages show the kind through its label.
TARGET_KINDS: dict[str, Callable[[], str]] = {
    "scorecard": _verbose_name("assessments.Scorecard"),
    "reminder sheet": _verbose_name("tasks.ReminderSheet"),
    "members import": _verbose_name("members.MemberImport"),
    "members roster": lambda: str(pgettext_lazy("audit target", "Member roster")),
    "handbook": _verbose_name("handbook.Edition"),
    "meeting": _verbose_name("meetings.Meeting"),
}


def target_label(target: str) -> str:
    """The target with its kind in the active language: "scorecard 2026Q3" → "对标自查评分表 2026Q3".
    Anything else (a username, an organisation's code) is shown as stored."""
    for kind in sorted(TARGET_KINDS, key=len, reverse=True):
        if target == kind or target.startswith(f"{kind} "):
            return TARGET_KINDS[kind]() + target[len(kind) :]
    return target


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
