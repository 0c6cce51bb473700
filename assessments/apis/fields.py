"""Serializer fields whose schema needs a name of its own.

drf-spectacular names an enum after its field (``status`` → ``StatusEnum``); several choice
sets under one field name across the API collide, which it reports as a warning (and
``check --deploy`` fails on warnings). The scorecard's status is documented as its own
``ScorecardStatusEnum`` component instead.
"""

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_field
from rest_framework import serializers

from ..models import ScorecardStatus


class ScorecardStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ScorecardStatus.choices, **kwargs)


class ScorecardStatusFieldExtension(OpenApiSerializerFieldExtension):
    target_class = ScorecardStatusField

    def get_name(self) -> str:
        return "ScorecardStatusEnum"

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        return build_choice_field(self.target)
