"""The scorecard's version over HTTP: an ``ETag`` on every answer that shows a card, and the
version a write was based on, from ``If-Match`` or a ``version`` field.

The check itself is the services' (``assessments.services.scorecards.lock_scorecard``): a
write based on an older version is refused with ``StaleVersion``, a 409, and changes nothing.
The ETag is the version in quotes (``"7"``); ``If-Match`` takes it as sent, weak or not.
"""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

from ..models import Scorecard

_TAG = re.compile(r'^(?:W/)?"?([0-9]{1,9})"?$')

IF_MATCH = OpenApiParameter(
    name="If-Match",
    location=OpenApiParameter.HEADER,
    required=False,
    type=str,
    description=(
        'The scorecard\'s ETag as read (e.g. `"7"`), or give `version` in the body: one of the two is '
        "required. A card saved by someone else since is a 409 and nothing is changed."
    ),
)


def etag_header(*codes: int) -> OpenApiParameter:
    """The ETag header on the answers ``codes``, for the schema."""
    return OpenApiParameter(
        name="ETag",
        location=OpenApiParameter.HEADER,
        type=str,
        response=list(codes),
        description="The scorecard's version, for If-Match on the next write.",
    )


VERSION_HELP = "The scorecard's version as read (or send the ETag as If-Match)."


def etag(card: Scorecard) -> str:
    return f'"{card.version}"'


def with_etag(response: Response, card: Scorecard) -> Response:
    response["ETag"] = etag(card)
    return response


def written_version(request: Request, fields: dict[str, Any]) -> int:
    """The version the client read, from ``If-Match`` or the body's ``version``."""
    header = request.headers.get("If-Match")
    body = fields.get("version")
    if header is None:
        if body is None:
            raise ValidationError(
                {"version": [_("Give the scorecard's version: its ETag as If-Match, or a version field.")]}
            )
        return int(body)
    match = _TAG.match(header.strip())
    if match is None:
        raise ValidationError({"If-Match": [_('Give one ETag as read from the scorecard, like "7".')]})
    version = int(match.group(1))
    if body is not None and int(body) != version:
        raise ValidationError({"version": [_("The version and the If-Match header name different versions.")]})
    return version
