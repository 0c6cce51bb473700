"""The handbook over the REST API: ``/api/v1/handbook/editions/`` and ``/api/v1/handbook/articles/``.

As ``branches.apis``: reads through ``handbook.selectors`` (anyone holding a role reads the
edition in force and the retired ones, drafts are the administrators'; without any role
403, a draft 404 to others), writes through ``handbook.services``.
"""

from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils.http import content_disposition_header
from django_filters import rest_framework as django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import filters, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAcceptable
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from config.api.filters import ID_MAX, IntegerFilter, validated_query
from config.api.schema import ID_LOOKUP_REGEX, error_responses

from . import selectors, services
from .example_form import XLSX, example_form
from .models import Article, Deduction, Edition, Frequency, Line
from .serializers import (
    ArticleSerializer,
    ArticleUpdateSerializer,
    EditionDetailSerializer,
    EditionSerializer,
    PartSerializer,
)


class XlsxRenderer(BaseRenderer):
    """The fill-in form's bytes, passed on as they are."""

    media_type = XLSX
    format = "xlsx"
    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return data


_DEDUCTIONS = Prefetch("deductions", queryset=Deduction.objects.order_by("position", "pk"))


def _detail(edition: Edition) -> dict:
    edition.article_count = edition.articles.count()  # type: ignore[attr-defined]
    return EditionDetailSerializer(edition).data


@extend_schema_view(
    list=extend_schema(summary="The handbook's editions (drafts only for administrators)"),
    retrieve=extend_schema(summary="One edition, with its parts", responses=EditionDetailSerializer),
)
class EditionViewSet(viewsets.GenericViewSet):
    """《基层党建工作标准化管理手册》: its editions; exactly one is in force."""

    serializer_class = EditionSerializer
    filterset_fields = ["status"]
    search_fields = ["version", "title"]
    ordering_fields = ["version", "created_at", "published_at"]
    ordering = ["-created_at", "-pk"]
    lookup_value_regex = ID_LOOKUP_REGEX

    def get_queryset(self) -> QuerySet[Edition]:
        return selectors.editions_visible_to(self.request.user).annotate(article_count=Count("articles"))

    def list(self, request: Request) -> Response:
        selectors.require_reader(request.user)
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(_detail(selectors.get_edition_for(request.user, int(pk))))

    @extend_schema(
        operation_id="handbook_editions_in_force",
        summary="The edition in force (404 when none is)",
        responses={200: EditionDetailSerializer, **error_responses(404)},
    )
    @action(detail=False, methods=["get"], url_path="in-force", url_name="in-force", filter_backends=[])
    def in_force(self, request: Request) -> Response:
        selectors.require_reader(request.user)
        edition = selectors.edition_in_force()
        if edition is None:
            raise Http404
        return Response(_detail(edition))

    @extend_schema(
        operation_id="handbook_editions_parts",
        summary="An edition's parts, in order",
        responses={200: PartSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def parts(self, request: Request, pk: str) -> Response:
        edition = selectors.get_edition_for(request.user, int(pk))
        return Response(PartSerializer(edition.parts.order_by("number"), many=True).data)

    @extend_schema(
        operation_id="handbook_editions_publish",
        summary="Put a draft in force; the edition it replaces is retired (administrator)",
        description=(
            "An edition that is not a draft, or a draft whose max scores do not add up to 100 or "
            "that has an article without a deduction rule, is a 409 with the reasons."
        ),
        request=None,
        responses={200: EditionDetailSerializer, **error_responses(409)},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        edition = selectors.get_edition_for(request.user, int(pk), edit=True)
        return Response(_detail(services.edition_publish(edition=edition)))


class ArticleFilter(django_filters.FilterSet):
    """The articles' query parameters. The filtering itself is the handbook's own
    (``selectors.articles_of``, as on the web page): the FilterSet reads and checks them."""

    edition = IntegerFilter(
        min_value=1, max_value=ID_MAX, method="_own", help_text="An edition you may read; the one in force if left out."
    )
    part = IntegerFilter(min_value=1, max_value=32767, method="_own", help_text="The part's number.")
    # Left empty (?line=), a filter is not applied, as on the web page.
    line = django_filters.ChoiceFilter(choices=Line.choices, method="_own")
    frequency = django_filters.ChoiceFilter(choices=Frequency.choices, method="_own")
    search = django_filters.CharFilter(
        max_length=100,
        method="_own",
        help_text="Words that must each appear in some text of the article or of its deduction rules.",
    )

    def _own(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset


@extend_schema_view(
    list=extend_schema(
        summary="The articles of an edition (the one in force unless named), filtered and searched",
    ),
    retrieve=extend_schema(summary="One article, with its deduction rules"),
    partial_update=extend_schema(
        summary="Edit an article of a draft edition (administrator)",
        description=(
            "Any of the fields; `deductions`, when given, replaces every deduction rule. The article "
            "is checked as a whole (due rule against frequency, caps against the max score). An "
            "article of an edition that is not a draft is a 409: start a new draft first."
        ),
        request=ArticleUpdateSerializer,
        responses={200: ArticleSerializer, **error_responses(409)},
    ),
)
class ArticleViewSet(viewsets.GenericViewSet):
    """The articles (条款) of the handbook, each with its deduction rules (扣分规则)."""

    serializer_class = ArticleSerializer
    # Filters and search are the handbook's own (handbook.selectors.articles_of), as on the web;
    # ArticleFilter reads and checks their values (and documents them).
    filter_backends = [django_filters.DjangoFilterBackend, filters.OrderingFilter]
    filterset_class = ArticleFilter
    ordering_fields = ["code", "title", "max_score"]
    lookup_value_regex = ID_LOOKUP_REGEX

    def get_queryset(self) -> QuerySet[Article]:
        return Article.objects.none()  # read through selectors.articles_of / get_article_for

    def list(self, request: Request) -> Response:
        selectors.require_reader(request.user)
        wanted = validated_query(ArticleFilter, request, Article.objects.none())
        if wanted.get("edition") is not None:
            edition: Edition | None = selectors.get_edition_for(request.user, wanted["edition"])
        else:
            edition = selectors.edition_in_force()
        articles = Article.objects.none()
        if edition is not None:
            articles = selectors.articles_of(
                edition,
                part=wanted.get("part"),
                line=wanted.get("line") or "",
                frequency=wanted.get("frequency") or "",
                query=wanted.get("search") or "",
            ).prefetch_related(_DEDUCTIONS)
        page = self.paginate_queryset(self.filter_queryset(articles))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(selectors.get_article_for(request.user, int(pk))).data)

    def handle_exception(self, exc: Exception) -> Response:
        # An error is JSON even where the answer would have been an xlsx file.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    @extend_schema(
        operation_id="handbook_articles_fill_in_form",
        summary="The article's example as a blank form to fill in (xlsx), as the article page's download",
        description="An article without an example is a 404.",
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY), **error_responses(404, 406)},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="fill-in-form",
        url_name="fill-in-form",
        # JSON is listed for the errors (handle_exception); the answer itself is the file.
        renderer_classes=[XlsxRenderer, JSONRenderer],
        filter_backends=[],
        pagination_class=None,
    )
    def fill_in_form(self, request: Request, pk: str) -> Response:
        article = selectors.get_article_for(request.user, int(pk))
        if not article.example_blocks:
            raise Http404
        if request.accepted_renderer.format != XlsxRenderer.format:
            raise NotAcceptable
        filename, content_type, content = example_form(article)
        response = Response(content, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
        return response

    def partial_update(self, request: Request, pk: str) -> Response:
        article = selectors.get_article_for(request.user, int(pk), edit=True)
        serializer = ArticleUpdateSerializer(data=request.data, partial=True, edition=article.edition)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        deductions = fields.pop("deductions", None)
        services.article_save(article=article, fields=fields, deductions=deductions)
        return Response(self.get_serializer(selectors.get_article_for(request.user, article.pk)).data)
