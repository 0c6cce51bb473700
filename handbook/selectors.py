"""Reads of the handbook. The handbook is company-wide: anyone holding a role may read the
edition in force and the retired ones; drafts are the administrators' work in progress."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from branches import abilities
from branches.models import User

from .models import Article, Deduction, Edition, EditionStatus

SEARCH_FIELDS = ("code", "title", "what", "who", "how", "when", "standard", "evidence", "example")


def require_reader(user: User) -> None:
    abilities.require(user, "handbook.read")


def require_editor(user: User) -> None:
    abilities.require(user, "handbook.edit")


def is_editor(user: User) -> bool:
    return abilities.can(user, "handbook.edit")


def may_propose(user: User) -> bool:
    return abilities.can(user, "handbook.propose")


def edition_in_force() -> Edition | None:
    return Edition.objects.filter(status=EditionStatus.PUBLISHED).first()


def articles_in_force() -> QuerySet[Article]:
    """Every article of the edition in force, in handbook order; what tasks and scorecards
    are generated from (they keep pointing at these rows after a new edition comes in)."""
    return Article.objects.filter(edition__status=EditionStatus.PUBLISHED).order_by("part__number", "code")


def in_force_counterpart(article: Article) -> Article | None:
    """The article of the same code in the edition in force, when ``article`` is not in it."""
    if article.edition.status == EditionStatus.PUBLISHED:
        return None
    return Article.objects.filter(edition__status=EditionStatus.PUBLISHED, code=article.code).first()


def editions_visible_to(user: User) -> QuerySet[Edition]:
    qs = Edition.objects.all()
    return qs if is_editor(user) else qs.exclude(status=EditionStatus.DRAFT)


def get_edition_for(user: User, pk: int, *, edit: bool = False) -> Edition:
    """An edition the user may read (403 without any role; drafts are 404 to non-editors);
    with ``edit``, administrators only."""
    require_reader(user)
    if edit:
        require_editor(user)
    edition = editions_visible_to(user).filter(pk=pk).first()
    if edition is None:
        raise Http404
    return edition


def get_article_for(user: User, pk: int, *, edit: bool = False) -> Article:
    require_reader(user)
    if edit:
        require_editor(user)
    article = (
        Article.objects.filter(pk=pk, edition__in=editions_visible_to(user))
        .select_related("edition", "part")
        .prefetch_related(Prefetch("deductions", queryset=Deduction.objects.order_by("position", "pk")))
        .first()
    )
    if article is None:
        raise Http404
    return article


def articles_of(
    edition: Edition, *, part: int | None = None, line: str = "", frequency: str = "", query: str = ""
) -> QuerySet[Article]:
    """The edition's articles, narrowed by part number, line, frequency and a full-text query
    over every text field (each word must match somewhere)."""
    qs = edition.articles.select_related("part").order_by("part__number", "code")
    if part:
        qs = qs.filter(part__number=part)
    if line:
        qs = qs.filter(line=line)
    if frequency:
        qs = qs.filter(frequency=frequency)
    for word in query.split()[:8]:
        word_q = Q()
        for name in SEARCH_FIELDS:
            word_q |= Q(**{f"{name}__icontains": word})
        qs = qs.filter(word_q | Q(deductions__description__icontains=word)).distinct()
    return qs


def edition_with_articles(edition: Edition) -> list[tuple[Any, list[Article]]]:
    """Parts in order with their articles and deduction rules, for the PDF and the full view."""
    articles = list(
        edition.articles.select_related("part")
        .prefetch_related(Prefetch("deductions", queryset=Deduction.objects.order_by("position", "pk")))
        .order_by("part__number", "code")
    )
    return [(part, [a for a in articles if a.part_id == part.pk]) for part in edition.parts.order_by("number")]


# --- 优标: comparing a draft with the edition in force ---------------------------------------

DIFF_FIELDS = (
    "title",
    "part",
    "line",
    "what",
    "who",
    "who_role",
    "how",
    "when",
    "frequency",
    "due_rule",
    "assessed_quarters",
    "standard",
    "evidence",
    "example",
    "max_score",
    "deductions",
)


def _comparable(article: Article) -> dict[str, str]:
    values = {name: str(getattr(article, name)) for name in DIFF_FIELDS if name not in ("part", "deductions")}
    values["part"] = str(article.part)
    values["line"] = article.get_line_display()
    values["who_role"] = article.get_who_role_display()
    values["frequency"] = article.get_frequency_display()
    values["assessed_quarters"] = article.quarters_text
    values["max_score"] = f"{article.max_score.normalize()}"
    values["deductions"] = "\n".join(
        f"{d.description} −{d.points.normalize()}" + (f" (≤{d.cap.normalize()})" if d.cap is not None else "")
        for d in article.deductions.all()
    )
    return values


def field_label(name: str) -> str:
    if name == "deductions":
        return str(Deduction._meta.verbose_name_plural)
    if name == "due_rule":
        return str(Article._meta.get_field("due_kind").verbose_name)
    return str(Article._meta.get_field(name).verbose_name)


@dataclass
class ArticleDiff:
    code: str
    status: str  # "added" | "removed" | "changed" | "same"
    old: Article | None
    new: Article | None
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field label, old, new)


def edition_diff(old: Edition | None, new: Edition) -> list[ArticleDiff]:
    """Article by article, matched on code: what ``new`` adds, removes and changes."""

    def load(edition: Edition | None) -> dict[str, Article]:
        if edition is None:
            return {}
        qs = edition.articles.select_related("part").prefetch_related(
            Prefetch("deductions", queryset=Deduction.objects.order_by("position", "pk"))
        )
        return {a.code: a for a in qs}

    before, after = load(old), load(new)
    rows: list[ArticleDiff] = []
    for code in sorted(set(before) | set(after)):
        a, b = before.get(code), after.get(code)
        if a is None:
            rows.append(ArticleDiff(code, "added", None, b))
        elif b is None:
            rows.append(ArticleDiff(code, "removed", a, None))
        else:
            va, vb = _comparable(a), _comparable(b)
            changes = [(field_label(name), va[name], vb[name]) for name in DIFF_FIELDS if va[name] != vb[name]]
            rows.append(ArticleDiff(code, "changed" if changes else "same", a, b, changes))
    return rows
