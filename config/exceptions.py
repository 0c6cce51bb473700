"""Exceptions that services raise and every interface (HTML view, API, job) understands."""

from django.core.exceptions import ValidationError


class Conflict(ValidationError):
    """The request is well formed, but the current state of the data forbids it: a branch
    with members on its roll cannot be dissolved, a submitted scorecard cannot be edited.

    It is a ``ValidationError``, so an HTML form shows it like any other error; the REST
    API answers it with 409 (``config.api.errors``) where a plain ``ValidationError`` is a
    400. Raise it when the client could succeed later by changing *other* data first, not by
    correcting what it sent.
    """
