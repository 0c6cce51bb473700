"""The one way the API's writes on a row of a record (a resolution, an attendee) start: the
row in the user's scope with the ability's roles (outside it 404, without them 403; the
state is the service's, a 409), and the request's body validated."""

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from rest_framework import serializers
from rest_framework.request import Request

from branches import abilities

M = TypeVar("M", bound=Model)


def row_and_body(
    request: Request, ability: str, queryset: QuerySet[M], pk: str, body: type[serializers.Serializer]
) -> tuple[M, dict[str, Any]]:
    row = abilities.get_for(request.user, ability, queryset, pk, via="meeting__branch__path")
    checked = body(data=request.data)
    checked.is_valid(raise_exception=True)
    return row, dict(checked.validated_data)
