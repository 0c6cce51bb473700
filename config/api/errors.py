"""One error format for every API error.

Every error answer has the body ``{"error": {"code": ..., "message": ..., "fields": {...}}}``:

==== ========================== ===================================================
400  ``validation_error``        invalid input; ``fields`` maps each field to its messages
401  ``not_authenticated``       no credentials, or a wrong, expired or revoked token
403  ``permission_denied``       inside the user's scope, without the role the action needs
404  ``not_found``               nothing there, or outside the user's scope (nothing leaks)
405  ``method_not_allowed``
406  ``not_acceptable``
409  ``conflict``                the current state of the data forbids the action
                                 (``config.exceptions.Conflict`` raised by a service)
415  ``unsupported_media_type``
429  ``throttled``               too many requests, or sign-in locked after failures
500  ``server_error``            logged with its traceback
==== ========================== ===================================================

Services raise Django's exceptions (``ValidationError``, ``PermissionDenied``, ``Http404``)
and ``Conflict``; views do not catch them: this handler turns each into its answer.
"""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler, set_rollback

from config.exceptions import Conflict

logger = logging.getLogger(__name__)

ERROR_CODES: dict[int, str] = {
    status.HTTP_400_BAD_REQUEST: "validation_error",
    status.HTTP_401_UNAUTHORIZED: "not_authenticated",
    status.HTTP_403_FORBIDDEN: "permission_denied",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_406_NOT_ACCEPTABLE: "not_acceptable",
    status.HTTP_409_CONFLICT: "conflict",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
    status.HTTP_429_TOO_MANY_REQUESTS: "throttled",
    status.HTTP_500_INTERNAL_SERVER_ERROR: "server_error",
}

# The ``code`` values, as OpenAPI's ErrorCodeEnum (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
ERROR_CODE_CHOICES = sorted(set(ERROR_CODES.values()))


class ConflictError(exceptions.APIException):
    """409: the API's face of ``config.exceptions.Conflict``."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The current state of the data does not allow this.")
    default_code = "conflict"


class SignInLocked(exceptions.Throttled):
    """429 when django-axes has locked the username or the address after failed sign-ins."""

    default_detail = gettext_lazy(
        "This account or address is locked for a while after repeated failed sign-ins. Try again later."
    )


def request_refused_message(exc: Exception) -> str | None:
    """The message for a request Django itself refuses before any view reads it — a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields or files, a malformed upload: the client's
    error, a 400 like any other invalid input, not a 500."""
    if isinstance(exc, RequestDataTooBig):
        return _("The request body is larger than the server accepts.")
    if isinstance(exc, TooManyFieldsSent):
        return _("The request has more fields than the server accepts.")
    if isinstance(exc, TooManyFilesSent):
        return _("The request has more files than the server accepts.")
    if isinstance(exc, SuspiciousOperation | BadRequest | MultiPartParserError):
        return _("The request is malformed.")
    return None


def _as_api_exception(exc: Exception) -> Exception:
    refused = request_refused_message(exc)
    if refused is not None:
        return exceptions.ParseError(detail=refused)
    if isinstance(exc, Conflict):  # before ValidationError: a Conflict is one
        return ConflictError(detail=" ".join(exc.messages))
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail: Any = {
                (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
                for field, messages in exc.message_dict.items()
            }
        else:
            detail = {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
        return exceptions.ValidationError(detail=detail)
    return exc


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Field errors as ``{"name": [...], "lines.0.score": [...]}``, however nested."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix: [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            flat.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix: [str(detail)]}


def _validation_body(detail: Any) -> dict[str, Any]:
    fields = _flatten(detail)
    general = fields.pop(api_settings.NON_FIELD_ERRORS_KEY, []) + fields.pop("", [])
    message = " ".join(general) if general else _("The input is not valid: see the errors of each field.")
    return {"code": ERROR_CODES[400], "message": message, "fields": fields}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    api_exc = _as_api_exception(exc)
    response = exception_handler(api_exc, context)
    if response is None:
        if settings.DEBUG:
            return None  # Django's debug page tells the developer more
        logger.error("Unhandled error in %s", context.get("view").__class__.__name__, exc_info=exc)
        set_rollback()
        body = {"code": ERROR_CODES[500], "message": _("Something went wrong on our side; it has been logged.")}
        return Response({"error": body}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    if isinstance(api_exc, exceptions.ValidationError):
        body = _validation_body(api_exc.detail)
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        body = {"code": ERROR_CODES.get(response.status_code, "error"), "message": str(detail)}
    response.data = {"error": body}
    return response
