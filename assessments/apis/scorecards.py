"""Scorecards over the REST API: ``/api/v1/scorecards/``.

As ``branches.apis``: reads through ``assessments.selectors`` (outside the user's scope 404,
inside it without the role 403), writes through ``assessments.services`` — the same calls,
roles and rules as the HTML pages (``assessments.views``):

- the branch's secretary opens the quarter's card, saves lines, submits, acknowledges the
  feedback sheet;
- a reviewer over the branch reviews lines and details, returns the card with a reason,
  marks the review complete and finalises it;
- administrators, reviewers and secretaries read; the branch sees the reviewer's scores once
  the review is final.

Every answer showing a card carries its version as an ``ETag``; every write names the version
it read (``If-Match`` or a ``version`` field) and a stale one is a 409 that changes nothing.
A state that forbids the write (a submitted card for the branch, a final one for anyone) is a
409 too. The feedback sheet not yet made is a 409 (it is made after the review is final).
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response

from branches import abilities
from config.api.schema import ID_LOOKUP_REGEX, error_responses
from config.exceptions import Conflict

from .. import selectors
from ..cards import attach_measures, card_context
from ..models import Scorecard, ScorecardLine
from ..services import review as review_services
from ..services.claims import claims_accept_all
from ..services.feedback import feedback_acknowledge, feedback_filename
from ..services.scorecards import (
    LineEdit,
    current_quarter,
    lock_scorecard,
    scorecard_lines_save,
    scorecard_open,
    scorecard_submit,
)
from .filters import ScorecardFilter
from .measure_serializers import MeasureSerializer, measure_rows
from .scorecard_serializers import (
    LinesSaveSerializer,
    OpenSerializer,
    ReturnSerializer,
    ReviewSerializer,
    ScorecardDetailSerializer,
    ScorecardSerializer,
    VersionSerializer,
)
from .versions import IF_MATCH, etag_header, with_etag, written_version

SaveLine = Callable[[ScorecardLine, dict[str, Any], int, dict[int, int]], ScorecardLine]


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _save_lines(card: Scorecard, items: list[dict[str, Any]], version: int, save: SaveLine) -> int:
    """Saves each line through ``save`` (a service), each write naming the version the one
    before it left; returns the last version. The caller holds the transaction: one refused
    line leaves every line as it was."""
    lines = {
        line.pk: line for line in ScorecardLine.objects.filter(scorecard=card, pk__in=[item["line"] for item in items])
    }
    unknown = {
        f"lines.{n}.line": [_("This is not a line of this scorecard.")]
        for n, item in enumerate(items)
        if item["line"] not in lines
    }
    if unknown:
        raise ValidationError(unknown)
    for n, item in enumerate(items):
        counts = {c["rule"]: c["count"] for c in item["deductions"]}
        try:
            saved = save(lines[item["line"]], item, version, counts)
        except Conflict:
            raise
        except ValidationError as exc:  # the service's refusal of what this line asks
            raise ValidationError({f"lines.{n}": exc.messages}) from None
        version = saved.scorecard.version
    return version


class FirstRenderer(BaseContentNegotiation):
    """The feedback sheet is a PDF whatever the Accept header says; its errors are JSON."""

    def select_parser(self, request: Request, parsers: list[Any]) -> Any:
        return parsers[0]

    def select_renderer(self, request: Request, renderers: list[Any], format_suffix: str | None = None) -> Any:
        return renderers[0], renderers[0].media_type


WRITE_HEADERS = [IF_MATCH, etag_header(200)]


def _write(summary: str, description: str, request: Any) -> Any:
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        parameters=WRITE_HEADERS,
        responses={200: ScorecardDetailSerializer, **error_responses(409)},
    )


@extend_schema_view(
    list=extend_schema(
        summary="The scorecards the user may see (administrators, reviewers, secretaries)",
        description=(
            "Filtered by quarter (`period=2026Q3`, or `year` and `quarter` as in the grades), unit (its "
            "whole subtree), status and lateness; the branch sees the review's scores and grade (null "
            "until then) once the review is final."
        ),
    ),
    retrieve=extend_schema(
        summary="One scorecard with its lines: deductions, scores, notes, carried-over focus items",
        parameters=[etag_header(200)],
        responses=ScorecardDetailSerializer,
    ),
    create=extend_schema(
        summary="Open this quarter's scorecard of your branch (secretary); 200 when it is already open",
        description="One line per article of the handbook edition in force. A unit that is not an active "
        "branch, or no edition in force, is a 400.",
        request=OpenSerializer,
        parameters=[etag_header(200, 201)],
        responses={200: ScorecardDetailSerializer, 201: ScorecardDetailSerializer, **error_responses(404)},
    ),
)
class ScorecardViewSet(viewsets.GenericViewSet):
    """对标自查评分表: a branch's quarterly self-assessment and the committee's review (核标)."""

    serializer_class = ScorecardSerializer
    filter_backends = [DjangoFilterBackend, filters.SearchFilter, filters.OrderingFilter]
    filterset_class = ScorecardFilter
    search_fields = ["branch__code", "branch__name"]
    ordering_fields = ["year", "quarter", "branch__code", "status", "deadline", "submitted_at", "self_total"]
    ordering = ["-year", "-quarter", "branch__path", "pk"]
    lookup_value_regex = ID_LOOKUP_REGEX

    def get_queryset(self) -> QuerySet[Scorecard]:
        return selectors.scorecards_visible_to(self.request.user).select_related("branch")

    def _detail(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        card = selectors.get_scorecard_for(self.request.user, pk)
        context = card_context(self.request.user, card)
        card.annotated_lines = context["lines"]  # type: ignore[attr-defined]
        serializer = ScorecardDetailSerializer(
            card,
            context={
                "request": self.request,
                "show_review": selectors.shows_review(self.request.user, card),
                "can_edit": context["can_edit"],
                "can_review": context["can_review"],
            },
        )
        return with_etag(Response(serializer.data, status=code), card)

    def _card(self, pk: str, ability: str) -> Scorecard:
        return selectors.get_scorecard_for(self.request.user, int(pk), ability=ability)

    def list(self, request: Request) -> Response:
        abilities.require(request.user, "scorecard.view")
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(int(pk))

    def create(self, request: Request) -> Response:
        fields = _valid(OpenSerializer, request)
        branch = abilities.unit_for(request.user, fields["branch"], "scorecard.fill")
        year, quarter = current_quarter()
        existed = Scorecard.objects.filter(branch=branch, year=year, quarter=quarter).exists()
        card = scorecard_open(branch=branch, year=year, quarter=quarter, by=request.user)
        response = self._detail(card.pk, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)
        response["Location"] = reverse("api:scorecard-detail", kwargs={"pk": card.pk})
        return response

    # --- 对标: the branch ---------------------------------------------------------------------

    @_write(
        "Save lines of the self-assessment (the branch's secretary)",
        "One or several lines, all or none: for each, every deduction rule that applies with its count "
        "(the score is computed), a note and evidence. Name the card's version (If-Match or `version`: "
        "any line saved since is a 409) or each line's `version` (only a save of that same line since is "
        "a 409, its message naming who saved it and when). A card that is not a draft or returned is a "
        "409; a count out of 0–999, or a rule of another article, a 400.",
        LinesSaveSerializer,
    )
    @action(detail=True, methods=["post"])
    def lines(self, request: Request, pk: str) -> Response:
        card = self._card(pk, "scorecard.fill")
        fields = _valid(LinesSaveSerializer, request)
        # Every line naming its own version needs no card version: only a save of that same
        # line since is a conflict. Given anyway, the card's version is checked as well.
        named = "version" in fields or request.headers.get("If-Match") is not None
        every_line = all("version" in item for item in fields["lines"])
        version = written_version(request, fields) if named or not every_line else None
        edits = [
            LineEdit(
                line_id=item["line"],
                counts={c["rule"]: c["count"] for c in item["deductions"]},
                note=item.get("note"),
                evidence=item.get("evidence"),
                version=item.get("version"),
                reasons={r["rule"]: r["reason"] for r in item["reasons"]} if "reasons" in item else None,
            )
            for item in fields["lines"]
        ]
        scorecard_lines_save(scorecard=card, by=request.user, edits=edits, version=version)
        return self._detail(card.pk)

    @_write(
        "Submit the self-assessment (the branch's secretary); it is locked until returned",
        "Only a draft or returned card can be submitted (409 otherwise). A measured rule counted below what "
        "the records suggest without a reason is a 409 naming each such line (accept the suggestions, or "
        "give a reason in the line save); a count above the suggestion is let through. A first submission "
        "after the deadline is marked late.",
        VersionSerializer,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        card = self._card(pk, "scorecard.fill")
        version = written_version(request, _valid(VersionSerializer, request))
        scorecard_submit(scorecard=card, by=request.user, version=version)
        return self._detail(card.pk)

    @_write(
        "Accept every suggestion from the records (采纳全部台账建议; the branch's secretary)",
        "Every measured rule counted below what the records suggest and left without a reason takes the "
        "suggested count, saved as a line save is (scores and total computed, line versions bumped). Rules "
        "answered with a reason are kept. A card that is not a draft or returned is a 409, and so is a stale "
        "version. The submission refuses (409) a card with such rules left.",
        VersionSerializer,
    )
    @action(detail=True, methods=["post"], url_path="accept-suggestions")
    def accept_suggestions(self, request: Request, pk: str) -> Response:
        card = self._card(pk, "scorecard.fill")
        version = written_version(request, _valid(VersionSerializer, request))
        claims_accept_all(scorecard=card, by=request.user, version=version)
        return self._detail(card.pk)

    @extend_schema(
        summary="Acknowledge the feedback sheet (the branch's secretary)",
        description="Changes no score, so the version is optional; when given, a stale one is a 409. "
        "No feedback sheet yet is a 409. Acknowledging twice keeps the first time.",
        request=VersionSerializer,
        parameters=WRITE_HEADERS,
        responses={200: ScorecardDetailSerializer, **error_responses(409)},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        card = self._card(pk, "scorecard.fill")
        fields = _valid(VersionSerializer, request)
        named = "version" in fields or request.headers.get("If-Match") is not None
        version = written_version(request, fields) if named else None
        with transaction.atomic():
            lock_scorecard(card.pk, version)
            feedback_acknowledge(scorecard=card, by=request.user)
        return self._detail(card.pk)

    # --- 核标: the committee ------------------------------------------------------------------

    @_write(
        "Review (a reviewer over the branch): line scores with deduction counts, methods, written test",
        "Any of: `lines` (for each, every deduction rule the reviewer applies, with its count, and a note), "
        "`methods` and `written_test_score`; all saved or none. The review starts from the branch's own "
        "deductions. Only a submitted card (or one marked reviewed) can be reviewed: 409 otherwise.",
        ReviewSerializer,
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        card = self._card(pk, "scorecard.review")
        fields = _valid(ReviewSerializer, request)
        version = written_version(request, fields)

        def save(line: ScorecardLine, item: dict[str, Any], version: int, counts: dict[int, int]) -> ScorecardLine:
            return review_services.review_line_save(
                line=line,
                by=request.user,
                version=version,
                counts=counts,
                review_note=item.get("review_note", line.review_note),
            )

        with transaction.atomic():
            if "lines" in fields:
                version = _save_lines(card, fields["lines"], version, save)
            if "methods" in fields or "written_test_score" in fields:
                review_services.review_details_save(
                    scorecard=card,
                    by=request.user,
                    version=version,
                    methods=fields.get("methods", card.methods),
                    written_test_score=fields.get("written_test_score", card.written_test_score),
                )
        return self._detail(card.pk)

    @_write(
        "Return the card to the branch with a reason (a reviewer); the review restarts",
        "Only a submitted card (or one marked reviewed) can be returned: 409 otherwise.",
        ReturnSerializer,
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str) -> Response:
        card = self._card(pk, "scorecard.review")
        fields = _valid(ReturnSerializer, request)
        review_services.scorecard_return(
            scorecard=card, by=request.user, version=written_version(request, fields), reason=fields["reason"]
        )
        return self._detail(card.pk)

    @_write(
        "Mark the review complete (a reviewer): the review total and grade are set",
        "Only a submitted card can be marked reviewed: 409 otherwise.",
        VersionSerializer,
    )
    @action(detail=True, methods=["post"], url_path="mark-reviewed", url_name="mark-reviewed")
    def mark_reviewed(self, request: Request, pk: str) -> Response:
        card = self._card(pk, "scorecard.review")
        version = written_version(request, _valid(VersionSerializer, request))
        review_services.scorecard_mark_reviewed(scorecard=card, by=request.user, version=version)
        return self._detail(card.pk)

    @_write(
        "Finalise the review (a reviewer): the final score and grade, rectification items, the feedback sheet",
        "Only a card marked reviewed can be finalised: 409 otherwise. The feedback sheet is made just "
        "after (GET .../feedback/ answers 409 until it is there).",
        VersionSerializer,
    )
    @action(detail=True, methods=["post"])
    def finalise(self, request: Request, pk: str) -> Response:
        card = self._card(pk, "scorecard.review")
        version = written_version(request, _valid(VersionSerializer, request))
        review_services.scorecard_finalise(scorecard=card, by=request.user, version=version)
        return self._detail(card.pk)

    @extend_schema(
        operation_id="scorecards_measures",
        summary="The measures of a card: what the ledgers and tasks show for each measured rule",
        description="Per deduction rule that a ledger or a task measures (and whose article is assessed "
        "in the card's quarter): the facts found with links to the records, the count they suggest, the "
        "branch's count and its reason for another one.",
        responses={200: MeasureSerializer(many=True), **error_responses(404)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def measures(self, request: Request, pk: str) -> Response:
        card = selectors.get_scorecard_for(request.user, int(pk))
        lines = selectors.lines_of(card)
        attach_measures(card, lines)
        return Response(MeasureSerializer(measure_rows(card, lines), many=True).data)

    # --- 优标 -----------------------------------------------------------------------------------

    @extend_schema(
        operation_id="scorecards_feedback",
        summary="Download the feedback sheet (检查调研情况反馈单) as a PDF",
        description="A 409 until the sheet is made: it is made once the review is final.",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **error_responses(409)},
    )
    @action(
        detail=True,
        methods=["get"],
        pagination_class=None,
        filter_backends=[],
        content_negotiation_class=FirstRenderer,
    )
    def feedback(self, request: Request, pk: str) -> HttpResponse:
        card = selectors.get_scorecard_for(request.user, int(pk))
        if not card.feedback_pdf:
            if card.is_final:
                raise Conflict(_("The feedback sheet is being made: try again in a minute."))
            raise Conflict(_("The feedback sheet is made once the review is final."))
        with card.feedback_pdf.open("rb") as stored:
            body = stored.read()
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(True, feedback_filename(card))
        return response
