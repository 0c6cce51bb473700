"""Reading the handbook: browse, search, one article, the whole edition as a PDF."""

from decimal import Decimal
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from config.jobs import send
from config.request_values import is_ascii_digits

from .. import jobs, printing, selectors, study
from ..example_form import example_form
from ..models import Edition, Frequency, Line, StudyFocus


def _browse(request: HttpRequest, edition: Edition | None, study_focus: list[StudyFocus] | None = None) -> HttpResponse:
    part = request.GET.get("part", "")
    # Part numbers are small; a longer string would overflow the column on PostgreSQL.
    part = part if is_ascii_digits(part, max_digits=3) else ""
    line = request.GET.get("line", "") if request.GET.get("line") in Line.values else ""
    frequency = request.GET.get("frequency", "") if request.GET.get("frequency") in Frequency.values else ""
    query = request.GET.get("q", "").strip()[:100]
    parts = []
    articles = []
    if edition is not None:
        parts = list(edition.parts.order_by("number"))
        articles = list(
            selectors.articles_of(
                edition,
                part=int(part) if part else None,
                line=line,
                frequency=frequency,
                query=query,
            )
        )
    context = {
        "edition": edition,
        "parts": parts,
        "articles": articles,
        "lines": Line.choices,
        "frequencies": Frequency.choices,
        "filters": {"part": part, "line": line, "frequency": frequency, "q": query},
        "is_filtered": bool(part or line or frequency or query),
        "total": sum((a.max_score for a in articles), Decimal(0)),
        "can_edit": selectors.is_editor(request.user),
        "study_focus": study_focus,
    }
    template = "handbook/_article_list.html" if request.htmx else "handbook/index.html"
    return render(request, template, context)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The edition in force, by part, line or frequency, with full-text search."""
    selectors.require_reader(request.user)
    today = timezone.localdate()
    # 明标: this quarter's study focus, from every unit above the user, heads the page.
    focus = (
        study.focuses_visible_to(request.user)
        .filter(year=today.year, quarter=(today.month - 1) // 3 + 1)
        .prefetch_related("articles")
    )
    return _browse(request, selectors.edition_in_force(), study_focus=list(focus))


@login_required
def edition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    edition = selectors.get_edition_for(request.user, pk)
    return _browse(request, edition)


@login_required
def edition_list(request: HttpRequest) -> HttpResponse:
    selectors.require_reader(request.user)
    editions = selectors.editions_visible_to(request.user)
    return render(
        request,
        "handbook/editions.html",
        {"editions": editions, "in_force": selectors.edition_in_force(), "can_edit": selectors.is_editor(request.user)},
    )


@login_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.get_article_for(request.user, pk)
    return render(
        request,
        "handbook/article.html",
        {
            "article": article,
            "edition": article.edition,
            "can_edit": selectors.is_editor(request.user) and article.edition.is_draft,
            "in_force": selectors.in_force_counterpart(article),
            "can_propose": selectors.may_propose(request.user) and article.edition.status == "published",
        },
    )


@login_required
def article_fill_in(request: HttpRequest, pk: int) -> HttpResponse:
    """填写表: the article's example as a blank xlsx form (handbook.example_form); whoever may
    read the article may download it. An article without an example has none: 404."""
    article = selectors.get_article_for(request.user, pk)
    if not article.example_blocks:
        raise Http404
    filename, content_type, content = example_form(article)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@login_required
def edition_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """《基层党建工作标准化管理手册》 as a printable PDF (see handbook.printing)."""
    edition = selectors.get_edition_for(request.user, pk)
    filename = _("handbook") + f"-{edition.version}.pdf"
    disposition = f"inline; filename*=UTF-8''{quote(filename)}"
    if edition.is_draft:
        response = HttpResponse(printing.render_edition(edition), content_type="application/pdf")
        response["Content-Disposition"] = disposition
        return response
    language = get_language()
    name = printing.stored_pdf(edition, language)
    if name is None:
        # One job per edition state and language, however often the page is reloaded meanwhile.
        queued = f"handbook-pdf-queued:{printing.stored_name(edition, language)}"

        def ask() -> None:
            # The file is the job's only record: a job the broker could not take is asked
            # for again by the page's next reload.
            if not send(jobs.make_edition_pdf, edition.pk, language):
                cache.delete(queued)

        if cache.add(queued, True, timeout=120):
            transaction.on_commit(ask)
        name = printing.stored_pdf(edition, language)  # already made when jobs run inline
    if name is None:
        return render(request, "handbook/pdf_pending.html", {"edition": edition})
    response = FileResponse(default_storage.open(name, "rb"), content_type="application/pdf")
    response["Content-Disposition"] = disposition
    return response
