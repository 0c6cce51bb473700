"""The roster over the REST API: ``/api/v1/members/`` and ``/api/v1/member-imports/``.

As ``branches.apis``: reads through ``members.selectors`` (outside the user's scope 404,
inside without the role 403; the ID number masked except for administrators), writes
through ``members.services`` and ``members.imports``; errors are turned into the API's
format by ``config.api.errors`` (a refusal because of the member's status is a 409).

The Excel import is two steps, as on the web: ``POST /member-imports/`` stores the file and
checks every row without writing anything (a job: poll ``GET /member-imports/{id}/`` while
``is_running``), then ``POST /member-imports/{id}/commit/`` writes every row or none, and
only for a checked file with no bad row (409 otherwise).
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters import rest_framework as django_filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from branches import abilities
from config.api.filters import UnitFilter
from config.api.schema import ID_LOOKUP_REGEX, error_responses

from . import imports, selectors, services
from .models import Member, MemberImport
from .serializers import (
    FromBranchSerializer,
    MemberCreateSerializer,
    MemberDetailSerializer,
    MemberFlowingSerializer,
    MemberImportSerializer,
    MemberImportUploadSerializer,
    MemberReturnSerializer,
    MemberSerializer,
    MemberStatusChangeSerializer,
    MemberTransferAllSerializer,
    MemberTransferOutSerializer,
    MemberTransferSerializer,
    MemberWriteSerializer,
    TransferredSerializer,
)


def _valid(serializer_class: type[serializers.Serializer], request: Request, **kwargs: Any) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class MemberFilter(django_filters.FilterSet):
    """The roster's filters; the search and the filtering are ``members.selectors.roster``'s."""

    search = django_filters.CharFilter(
        max_length=100,
        help_text=(
            "Name, phone, or the ID number: its last 4 characters, or the whole number where you see it "
            "whole (administrators)."
        ),
    )
    # Left empty (?status=), a filter is not applied, as on the web page.
    category = django_filters.ChoiceFilter(choices=Member._meta.get_field("category").choices)
    status = django_filters.ChoiceFilter(choices=Member._meta.get_field("status").choices)
    branch = UnitFilter(
        units=lambda request: abilities.units_for(request.user, "member.view"),
        help_text="A unit whose roster you may read: the members of its whole subtree.",
    )

    class Meta:
        model = Member
        fields = ["search", "category", "status", "branch"]

    def filter_queryset(self, queryset: QuerySet[Member]) -> QuerySet[Member]:
        wanted = self.form.cleaned_data
        return selectors.roster(
            queryset,
            viewer=self.request.user,
            q=wanted.get("search") or "",
            category=wanted.get("category") or "",
            status=wanted.get("status") or "",
            branch=wanted.get("branch"),
        )


def _status_change(summary: str, request: type[serializers.Serializer], conflict: str) -> Any:
    return extend_schema(
        summary=summary,
        description=f"Administrators of the member's branch only. 409 conflict: {conflict}.",
        request=request,
        responses={200: MemberDetailSerializer, **error_responses(409)},
    )


@extend_schema_view(
    list=extend_schema(
        summary="The members the user may see (administrators, reviewers, secretaries)",
    ),
    retrieve=extend_schema(summary="One member, with their history of branches", responses=MemberDetailSerializer),
    create=extend_schema(
        summary="Add a member to a branch (administrator)",
        request=MemberCreateSerializer,
        responses={201: MemberDetailSerializer, **error_responses(404)},
    ),
    partial_update=extend_schema(
        summary="Edit a member: every field (administrator), or phone and post (the branch's secretary)",
        description="Sending a field you may not change is a 403; `editable_fields` on the member says which you may.",
        request=MemberWriteSerializer,
        responses={200: MemberDetailSerializer},
    ),
)
class MemberViewSet(viewsets.GenericViewSet):
    """党员名册: the members of the branches within the user's scope."""

    serializer_class = MemberSerializer
    # Search and filters are the roster's own (members.selectors.roster), as on the web.
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_class = MemberFilter
    ordering_fields = ["name", "birth_date", "joined_on", "full_member_on", "created_at", "updated_at"]
    lookup_value_regex = ID_LOOKUP_REGEX

    def get_queryset(self) -> QuerySet[Member]:
        return selectors.members_visible_to(self.request.user)

    def _out(self, member: Member, code: int = status.HTTP_200_OK) -> Response:
        return Response(MemberDetailSerializer(member, context=self.get_serializer_context()).data, status=code)

    def list(self, request: Request) -> Response:
        abilities.require(request.user, "member.view")
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._out(selectors.get_member_for(request.user, int(pk)))

    def create(self, request: Request) -> Response:
        fields = _valid(MemberCreateSerializer, request)
        branch = abilities.unit_for(request.user, fields.pop("branch"), "member.administer")
        member = services.member_create(branch=branch, by=request.user, **fields)
        response = self._out(member, status.HTTP_201_CREATED)
        response["Location"] = reverse("api:member-detail", kwargs={"pk": member.pk})
        return response

    def partial_update(self, request: Request, pk: str) -> Response:
        member = selectors.get_member_for(request.user, int(pk), ability="member.edit")
        fields = _valid(MemberWriteSerializer, request, partial=True)
        allowed = selectors.editable_fields_for(request.user, member)
        refused = sorted(set(fields) - set(allowed))
        if refused:
            raise PermissionDenied(
                _("You may not change %(refused)s; you may change: %(allowed)s.")
                % {"refused": ", ".join(refused), "allowed": ", ".join(allowed)}
            )
        return self._out(services.member_update(member=member, fields=fields, allowed=allowed))

    @_status_change(
        "Transfer a member to another branch, or back in after a transfer out (administrator)",
        MemberTransferSerializer,
        "a member who is not on the roll, flowing or transferred out",
    )
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: str) -> Response:
        member = selectors.get_member_for(request.user, int(pk), ability="member.administer")
        fields = _valid(MemberTransferSerializer, request, targets=selectors.transfer_targets(request.user))
        return self._out(services.member_transfer(member=member, by=request.user, **fields))

    @_status_change(
        "Transfer a member out of the organisation (转出) (administrator)",
        MemberTransferOutSerializer,
        "a member who is not on the roll or flowing",
    )
    @action(detail=True, methods=["post"], url_path="transfer-out", url_name="transfer-out")
    def transfer_out(self, request: Request, pk: str) -> Response:
        member = selectors.get_member_for(request.user, int(pk), ability="member.administer")
        fields = _valid(MemberTransferOutSerializer, request)
        return self._out(services.member_transfer_out(member=member, by=request.user, **fields))

    @_status_change(
        "Mark a member as flowing (流动党员) (administrator)",
        MemberFlowingSerializer,
        "a member who is not on the roll",
    )
    @action(detail=True, methods=["post"])
    def flowing(self, request: Request, pk: str) -> Response:
        member = selectors.get_member_for(request.user, int(pk), ability="member.administer")
        fields = _valid(MemberFlowingSerializer, request)
        return self._out(services.member_mark_flowing(member=member, by=request.user, **fields))

    @_status_change("A flowing member is back (administrator)", MemberReturnSerializer, "a member who is not flowing")
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str) -> Response:
        member = selectors.get_member_for(request.user, int(pk), ability="member.administer")
        fields = _valid(MemberReturnSerializer, request)
        return self._out(services.member_return(member=member, by=request.user, **fields))

    @_status_change(
        "Change a member's status: 停止党籍 / 出党 / 去世, or back on the roll (administrator)",
        MemberStatusChangeSerializer,
        "the member already has this status, or would go back on the roll of a dissolved branch",
    )
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def change_status(self, request: Request, pk: str) -> Response:
        member = selectors.get_member_for(request.user, int(pk), ability="member.administer")
        fields = _valid(MemberStatusChangeSerializer, request)
        return self._out(services.member_change_status(member=member, by=request.user, **fields))

    @extend_schema(
        operation_id="members_transfer_all",
        summary="Transfer everyone on a branch's roll to another branch at once (administrator)",
        description=(
            "Typically before dissolving the branch. A branch with nobody on its roll is a 409; "
            "a unit that is not a branch, or a target that is not another active branch you "
            "administer, a 400."
        ),
        request=MemberTransferAllSerializer,
        responses={200: TransferredSerializer, **error_responses(404, 409)},
    )
    @action(detail=False, methods=["post"], url_path="transfer-all", url_name="transfer-all")
    def transfer_all(self, request: Request) -> Response:
        from_id = _valid(FromBranchSerializer, request)["from_branch"]
        from_branch = abilities.unit_for(request.user, from_id, "member.administer")
        targets = selectors.transfer_targets(request.user).exclude(pk=from_branch.pk)
        fields = _valid(MemberTransferAllSerializer, request, targets=targets)
        del fields["from_branch"]
        moved = services.branch_transfer_all(from_branch=from_branch, by=request.user, **fields)
        return Response(TransferredSerializer({"moved": moved}).data)


class MemberImportViewSet(viewsets.GenericViewSet):
    """The roster's Excel import: upload and check (a dry run), then commit."""

    serializer_class = MemberImportSerializer
    parser_classes = [MultiPartParser]  # only the upload has a body
    lookup_value_regex = ID_LOOKUP_REGEX

    def get_queryset(self) -> QuerySet[MemberImport]:
        return MemberImport.objects.none()  # each import is read through selectors.get_import_for

    def _out(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        import_row = selectors.get_import_for(self.request.user, pk)
        return Response(self.get_serializer(import_row).data, status=code)

    @extend_schema(
        summary="Upload a roster file (.xlsx): it is checked row by row, nothing is written",
        description=(
            "Administrators import into any unit below them, a secretary into their own branch. "
            "A file that cannot be a roster (not .xlsx, too big, password-protected, a zip bomb) "
            "is a 400 on `file`. Otherwise the check runs as a job: the answer (and "
            "`GET /member-imports/{id}/`) gives its status, the counts of new, updated and "
            "unchanged members, and every bad row with its column and what is wrong."
        ),
        request={"multipart/form-data": MemberImportUploadSerializer},
        responses={201: MemberImportSerializer, **error_responses(404)},
    )
    def create(self, request: Request) -> Response:
        fields = _valid(MemberImportUploadSerializer, request)
        organisation = abilities.unit_for(request.user, fields["organisation"], "member.import")
        import_row = imports.import_start(organisation=organisation, by=request.user, upload=fields["file"])
        response = self._out(import_row.pk, status.HTTP_201_CREATED)
        response["Location"] = reverse("api:member-import-detail", kwargs={"pk": import_row.pk})
        return response

    @extend_schema(summary="An import's progress and its check: counts and every bad row")
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._out(int(pk))

    @extend_schema(
        summary="Write a checked import: every row or none",
        description=(
            "Only a checked file with no bad row can be committed, or one whose commit failed "
            "(status `failed` after a commit: nothing of it was written) committed again; "
            "anything else (bad rows, still being checked, already being written or committed) "
            "is a 409 that says why. The write runs as a job: poll the import until its status "
            "is `committed` (or `invalid` if the roster changed since the check)."
        ),
        request=None,
        responses={202: MemberImportSerializer, **error_responses(409)},
    )
    @action(detail=True, methods=["post"])
    def commit(self, request: Request, pk: str) -> Response:
        import_row = selectors.get_import_for(request.user, int(pk))
        imports.import_queue_commit(import_row=import_row)
        return self._out(import_row.pk, status.HTTP_202_ACCEPTED)
