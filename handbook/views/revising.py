"""优标 for administrators: drafts, article edits, the diff with the edition in force, publishing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import ArticleForm
from ..models import Article, Edition


def _error(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_POST
def draft_start(request: HttpRequest) -> HttpResponse:
    selectors.require_reader(request.user)
    selectors.require_editor(request.user)
    source = selectors.edition_in_force()
    if source is None:
        messages.error(request, _("No edition is in force to start from."))
        return redirect("handbook:editions")
    try:
        draft = services.edition_start_draft(
            source=source, version=request.POST.get("version", "")[:32], created_by=request.user
        )
    except ValidationError as exc:
        _error(request, exc)
        return redirect("handbook:editions")
    messages.success(request, _("Draft %(version)s started.") % {"version": draft.version})
    return redirect("handbook:edition", pk=draft.pk)


def _article_form(request: HttpRequest, edition: Edition, article: Article) -> HttpResponse:
    if not edition.is_draft:
        messages.error(request, _("Only a draft edition can be changed; start a new draft first."))
        return redirect("handbook:edition", pk=edition.pk)
    form = ArticleForm(request.POST or None, instance=article, edition=edition)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.article_save(
                article=article, fields=form.article_fields(), deductions=form.deduction_rules
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Saved."))
            return redirect("handbook:article", pk=saved.pk)
    return render(request, "handbook/article_form.html", {"form": form, "edition": edition, "article": article})


@login_required
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.get_article_for(request.user, pk, edit=True)
    return _article_form(request, article.edition, article)


@login_required
def article_create(request: HttpRequest, pk: int) -> HttpResponse:
    edition = selectors.get_edition_for(request.user, pk, edit=True)
    return _article_form(request, edition, Article(edition=edition))


@login_required
@require_POST
def article_retire(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.get_article_for(request.user, pk, edit=True)
    edition = article.edition
    try:
        services.article_retire(article=article)
    except ValidationError as exc:
        _error(request, exc)
        return redirect("handbook:article", pk=pk)
    messages.success(request, _("Article %(code)s was taken out of the draft.") % {"code": article.code})
    return redirect("handbook:edition", pk=edition.pk)


@login_required
def edition_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """Side by side: this edition against the one in force, with publishing when it is a draft."""
    edition = selectors.get_edition_for(request.user, pk, edit=True)
    in_force = selectors.edition_in_force()
    rows = selectors.edition_diff(in_force if in_force != edition else None, edition)
    return render(
        request,
        "handbook/diff.html",
        {
            "edition": edition,
            "in_force": in_force,
            "rows": [r for r in rows if r.status != "same"],
            "unchanged": sum(1 for r in rows if r.status == "same"),
            "blocking": services.publication_errors(edition) if edition.is_draft else [],
        },
    )


@login_required
@require_POST
def edition_publish(request: HttpRequest, pk: int) -> HttpResponse:
    edition = selectors.get_edition_for(request.user, pk, edit=True)
    try:
        services.edition_publish(edition=edition)
    except ValidationError as exc:
        _error(request, exc)
        return redirect("handbook:edition_diff", pk=pk)
    messages.success(request, _("Edition %(version)s is now in force.") % {"version": edition.version})
    return redirect("handbook:index")


@login_required
@require_POST
def edition_discard(request: HttpRequest, pk: int) -> HttpResponse:
    edition = selectors.get_edition_for(request.user, pk, edit=True)
    try:
        services.edition_discard_draft(edition=edition)
    except ValidationError as exc:
        _error(request, exc)
        return redirect("handbook:edition", pk=pk)
    messages.success(request, _("Draft %(version)s discarded.") % {"version": edition.version})
    return redirect("handbook:editions")
