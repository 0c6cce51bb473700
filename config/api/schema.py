"""What the OpenAPI schema (``/api/schema/``) says beyond what drf-spectacular infers.

- ``ApiAutoSchema`` adds the error answers every operation can give (401, 403, 404, 400,
  429), each with the ``Error`` body of ``config.api.errors``; a view declares the others
  (409, or 400 on a GET with parameters) with ``error_responses(...)``.
- Ids in paths (``ID_LOOKUP_REGEX``) are documented as integers.
- ``BearerTokenScheme`` documents ``config.api.authentication.BearerTokenAuthentication``.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from .errors import ERROR_CODE_CHOICES

# A viewset's ``lookup_value_regex``: digits only, fewer than a 64-bit key holds, so that
# anything else is an unknown URL (404) and never reaches the database. Documented as an
# integer (see ApiAutoSchema).
ID_LOOKUP_REGEX = r"[0-9]{1,18}"


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ERROR_CODE_CHOICES)
    message = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("Only with validation_error: the messages of each field that is not valid."),
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "The input is not valid (validation_error, with field errors), or the query string holds control characters.",
    401: "No credentials, or a wrong, expired or revoked token (not_authenticated).",
    403: "Inside the user's scope, but without the role this needs (permission_denied).",
    404: "Nothing there, or outside the user's scope (not_found).",
    406: "The answer cannot be given in the format asked for, e.g. ?format=json for a file (not_acceptable).",
    409: "The current state of the data forbids this (conflict).",
    429: "Too many requests, or sign-in locked after failures (throttled).",
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """``@extend_schema(responses={200: X, **error_responses(409)})``."""
    return {code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code]) for code in codes}


class ApiAutoSchema(AutoSchema):
    def _error_codes(self) -> list[int]:
        codes = [429]
        public = all(isinstance(p, AllowAny) for p in self.view.get_permissions())
        if not public:
            codes += [401, 403]
        if "{" in self.path or (self._is_list_view() and self._get_paginator() is not None):
            codes.append(404)  # an object out of scope, or a page past the end
        # Any request may be refused as a 400: a body or fields that do not validate, or a
        # query string with control characters (config.middleware refuses those everywhere).
        codes.append(400)
        return codes

    def _resolve_path_parameters(self, variables: list[str]) -> list[dict[str, Any]]:
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if parameter["schema"].get("pattern") == f"^{ID_LOOKUP_REGEX}$":
                parameter["schema"] = {"type": "integer", "minimum": 0, "maximum": 10**18 - 1}
        return parameters

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        bodies = super()._get_response_bodies(direction)
        for code, response in error_responses(*self._error_codes()).items():
            bodies.setdefault(str(code), self._get_response_for_code(response, str(code), direction=direction))
        return bodies


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "config.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        definition = build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Bearer")  # noqa: S106
        definition["description"] = "A token from POST /api/v1/auth/token/."
        return definition
