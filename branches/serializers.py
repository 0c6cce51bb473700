"""The JSON shapes of the organisation tree and of the signed-in user (``branches.apis``).

Shapes only: what may be read is decided by ``branches.selectors``, what may be written by
``branches.services``.
"""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import selectors
from .models import Organisation, OrgKind, Role, RoleAssignment, User


class OrganisationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    my_roles = serializers.SerializerMethodField(help_text="The roles the signed-in user holds over this unit.")

    class Meta:
        model = Organisation
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "is_key",
            "parent",
            "depth",
            "work_unit",
            "established_on",
            "dissolved_on",
            "dissolution_reason",
            "created_at",
            "updated_at",
            "my_roles",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Role.choices)))
    def get_my_roles(self, organisation: Organisation) -> list[str]:
        held = selectors.roles_on(self.context["request"].user, organisation)
        return [role for role in Role.values if role in held]


class OrganisationCreateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=OrgKind.choices)
    work_unit = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    is_key = serializers.BooleanField(required=False, default=False)
    established_on = serializers.DateField(required=False, allow_null=True, default=None)


class OrganisationUpdateSerializer(serializers.Serializer):
    """PATCH: any of these; the kind is fixed once created, moving and dissolving have
    their own endpoints."""

    code = serializers.CharField(max_length=32, required=False)
    name = serializers.CharField(max_length=100, required=False)
    work_unit = serializers.CharField(max_length=100, required=False, allow_blank=True)
    is_key = serializers.BooleanField(required=False)
    established_on = serializers.DateField(required=False, allow_null=True)


class OrganisationMoveSerializer(serializers.Serializer):
    new_parent = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(), help_text="An active unit you administer, outside this one's subtree."
    )

    def __init__(self, *args: Any, targets: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if targets is not None:
            self.fields["new_parent"].queryset = targets


class OrganisationDissolveSerializer(serializers.Serializer):
    on = serializers.DateField(help_text="The day it was dissolved (撤销).")
    reason = serializers.CharField(max_length=200)


class TreeQuerySerializer(serializers.Serializer):
    shape = serializers.ChoiceField(
        choices=[("nested", "nested"), ("flat", "flat")],
        default="nested",
        help_text="nested: each unit with its children; flat: tree order, each with its indent.",
    )
    include_dissolved = serializers.BooleanField(default=False)


class _TreeItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "code", "name", "kind", "status", "is_key", "parent"]
        read_only_fields = fields


class OrganisationTreeRowSerializer(_TreeItemSerializer):
    indent = serializers.IntegerField(read_only=True, help_text="Depth below the shallowest unit shown.")

    class Meta(_TreeItemSerializer.Meta):
        fields = [*_TreeItemSerializer.Meta.fields, "indent"]
        read_only_fields = fields


class OrganisationTreeNodeSerializer(_TreeItemSerializer):
    """A unit and, recursively, its children; ``context["children"]`` maps a unit's id to
    its children in order."""

    children = serializers.SerializerMethodField()

    class Meta(_TreeItemSerializer.Meta):
        fields = [*_TreeItemSerializer.Meta.fields, "children"]
        read_only_fields = fields

    @extend_schema_field({"type": "array", "items": {"$ref": "#/components/schemas/OrganisationTreeNode"}})
    def get_children(self, organisation: Organisation) -> list[dict[str, Any]]:
        below = self.context["children"].get(organisation.pk, [])
        return OrganisationTreeNodeSerializer(below, many=True, context=self.context).data


class RoleHeldSerializer(serializers.ModelSerializer):
    organisation = _TreeItemSerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = RoleAssignment
        fields = ["role", "role_label", "organisation"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer):
    # A plain string: it may be empty, which the "email" format would not allow.
    email = serializers.CharField(read_only=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "is_superuser", "roles"]
        read_only_fields = fields

    @extend_schema_field(RoleHeldSerializer(many=True))
    def get_roles(self, user: User) -> list[dict[str, Any]]:
        return RoleHeldSerializer(selectors.roles_held_by(user), many=True).data
