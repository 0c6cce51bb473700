"""Writes to the handbook: importing, drafting, editing and publishing editions (定标, 优标)."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import audit
from branches.models import User
from config.exceptions import Conflict

from .exchange import ParsedArticle, ParsedDeduction, parse_handbook, parse_score
from .models import Article, ChangeProposal, Deduction, Edition, EditionStatus, Part, ProposalField, ProposalStatus
from .models.proposals import TEXT_FIELDS

DEFAULT_EDITION_FILE = Path(__file__).resolve().parent / "data" / "default_edition.json"
TOTAL_SCORE = Decimal(100)


def _check_version_free(version: str) -> None:
    if Edition.objects.filter(version=version).exists():
        raise ValidationError(
            _("An edition with version %(version)s already exists: give the new one another version.")
            % {"version": version}
        )


def _save_deductions(article: Article, deductions: list[ParsedDeduction]) -> None:
    # Through the model, not ``article.deductions``: a copied article may still carry the
    # prefetched rules of the article it was copied from.
    old = Deduction.objects.filter(article=article)
    # A rule given without a measure (the editor's form) keeps the measure of the rule of the
    # same description.
    kept = {d.description: (d.measure, d.measure_params) for d in old}
    old.delete()
    for position, item in enumerate(deductions):
        measure, params = (
            (item.measure, item.measure_params) if item.measure is not None else kept.get(item.description, ("", {}))
        )
        deduction = Deduction(
            article=article,
            position=position,
            description=item.description,
            points=item.points,
            cap=item.cap,
            measure=measure,
            measure_params=params,
        )
        deduction.full_clean()
        deduction.save()


def _article_from_parsed(edition: Edition, part: Part, parsed: ParsedArticle) -> Article:
    fields = {k: v for k, v in vars(parsed).items() if k not in ("part", "deductions")}
    article = Article(edition=edition, part=part, **fields)
    article.full_clean()
    article.save()
    _save_deductions(article, parsed.deductions)
    return article


@transaction.atomic
def edition_import(*, data: Any, version: str | None = None, created_by: User | None = None) -> Edition:
    """Creates a draft edition from an exchange-format document; all or nothing."""
    parsed = parse_handbook(data)
    version = (version or parsed.version).strip()
    _check_version_free(version)
    edition = Edition(version=version, title=parsed.title, created_by=created_by)
    edition.full_clean()
    edition.save()
    parts = {}
    for number, title in parsed.parts:
        parts[number] = Part.objects.create(edition=edition, number=number, title=title)
    for article in parsed.articles:
        _article_from_parsed(edition, parts[article.part], article)
    audit.record(audit.Action.IMPORT, actor=created_by, target=f"handbook {edition.version}")
    return edition


def publication_errors(edition: Edition) -> list[str]:
    """What stops a draft from being published; an imported draft passes, an edited one may not."""
    errors: list[str] = []
    articles = list(edition.articles.prefetch_related("deductions"))
    if not articles:
        errors.append(_("The edition has no articles."))
    total = sum((a.max_score for a in articles), Decimal(0))
    if total != TOTAL_SCORE:
        errors.append(_("The max scores add up to %(total)s, not 100.") % {"total": total.normalize()})
    for article in articles:
        if not article.deductions.all():
            errors.append(_("Article %(code)s has no deduction rule.") % {"code": article.code})
    return errors


@transaction.atomic
def edition_publish(*, edition: Edition) -> Edition:
    """Puts a draft in force and retires the edition it replaces; the old rows stay untouched."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    # Both refusals are the data's state (the REST API's 409): fix the draft, then publish.
    if edition.status != EditionStatus.DRAFT:
        raise Conflict(_("Only a draft can be published."))
    errors = publication_errors(edition)
    if errors:
        raise Conflict(errors)
    now = timezone.now()
    # Retire first: the conditional unique constraint allows one published edition only.
    Edition.objects.filter(status=EditionStatus.PUBLISHED).update(status=EditionStatus.RETIRED, retired_at=now)
    edition.status = EditionStatus.PUBLISHED
    edition.published_at = now
    edition.save(update_fields=["status", "published_at"])
    return edition


@transaction.atomic
def edition_start_draft(*, source: Edition, version: str, created_by: User | None = None) -> Edition:
    """A new draft holding a copy of every part, article and deduction rule of ``source``."""
    version = version.strip()
    _check_version_free(version)
    draft = Edition(version=version, title=source.title, based_on=source, created_by=created_by)
    draft.full_clean()
    draft.save()
    parts = {p.number: Part.objects.create(edition=draft, number=p.number, title=p.title) for p in source.parts.all()}
    for article in source.articles.select_related("part").prefetch_related("deductions"):
        deductions = [
            ParsedDeduction(d.description, d.points, d.cap, d.measure, d.measure_params)
            for d in article.deductions.all()
        ]
        article.pk = None
        article._state.adding = True
        article.edition = draft
        article.part = parts[article.part.number]
        article.full_clean()
        article.save()
        _save_deductions(article, deductions)
    return draft


@transaction.atomic
def edition_discard_draft(*, edition: Edition) -> None:
    if edition.status != EditionStatus.DRAFT:
        raise ValidationError(_("Only a draft can be discarded."))
    edition.articles.all().delete()
    edition.delete()


def _require_draft(edition: Edition) -> None:
    if edition.status != EditionStatus.DRAFT:
        raise Conflict(_("Only a draft edition can be changed; start a new draft first."))


@transaction.atomic
def article_save(
    *, article: Article, fields: dict[str, Any], deductions: list[ParsedDeduction] | None = None
) -> Article:
    """Creates (``article.pk`` unset) or updates an article of a draft, with its deduction rules."""
    _require_draft(article.edition)
    for name, value in fields.items():
        if isinstance(value, str):
            # Browsers send textarea lines as CRLF; stored text (and the diff) uses LF only.
            value = value.replace("\r\n", "\n").strip()
        setattr(article, name, value)
    article.full_clean()
    if article.pk is None and not deductions:
        raise ValidationError(_("An article needs at least one deduction rule."))
    article.save()
    if deductions is not None:
        caps_over = [d for d in deductions if d.cap is not None and d.cap > article.max_score]
        if caps_over:
            raise ValidationError(_("A deduction cap cannot be above the article's max score."))
        _save_deductions(article, deductions)
    return article


@transaction.atomic
def article_retire(*, article: Article) -> None:
    """Takes an article out of a draft; earlier editions keep their own copy."""
    _require_draft(article.edition)
    article.delete()


def load_default_edition() -> Edition | None:
    """Loads and publishes the default edition shipped in ``handbook/data``.

    Does nothing (and returns the edition in force) when the default is already loaded or a
    company's own edition is in force; callable from tests and from ``load_default_handbook``.
    """
    data = json.loads(DEFAULT_EDITION_FILE.read_text(encoding="utf-8"))
    existing = Edition.objects.filter(version=data.get("version")).first()
    in_force = Edition.objects.filter(status=EditionStatus.PUBLISHED).first()
    if existing is not None or in_force is not None:
        return in_force or existing
    with transaction.atomic():
        edition = edition_import(data=data)
        return edition_publish(edition=edition)


# --- 优标: change proposals --------------------------------------------------------------------


@transaction.atomic
def proposal_create(
    *, article: Article | None, field: str, proposed_text: str, reason: str, by: User
) -> ChangeProposal:
    """A change to an article in force, or (``article`` None, field ``new_article``) a new one."""
    if (article is None) != (field == ProposalField.NEW_ARTICLE):
        raise ValidationError(_("A new article is proposed on its own; any other change names its article."))
    if article is not None and article.edition.status != EditionStatus.PUBLISHED:
        raise ValidationError(_("Changes are proposed to the edition in force."))
    proposal = ChangeProposal(
        article=article, field=field, proposed_text=proposed_text.strip(), reason=reason.strip(), proposed_by=by
    )
    proposal.full_clean()
    proposal.save()
    return proposal


def _decide(proposal: ChangeProposal, *, status: str, reply: str, by: User) -> ChangeProposal:
    proposal = ChangeProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.OPEN:
        raise ValidationError(_("This proposal has already been decided."))
    proposal.status = status
    proposal.reply = reply.strip()
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    return proposal


@transaction.atomic
def proposal_accept(*, proposal: ChangeProposal, draft: Edition, reply: str, by: User) -> ChangeProposal:
    """Accepts a proposal into ``draft``: text fields and the max score are written into the
    draft's article of the same code; deduction rules, new articles and "other" need an
    editor's hand."""
    _require_draft(draft)
    proposal = _decide(proposal, status=ProposalStatus.ACCEPTED, reply=reply, by=by)
    if proposal.field == ProposalField.NEW_ARTICLE:
        # A new article needs a code, a part and scores that still add up: the editor writes it.
        proposal.accepted_into = draft
        proposal.save()
        return proposal
    target = draft.articles.filter(code=proposal.article.code).first()
    if target is None:
        raise ValidationError(_("The draft has no article %(code)s any more.") % {"code": proposal.article.code})
    if proposal.field in TEXT_FIELDS:
        article_save(article=target, fields={proposal.field: proposal.proposed_text})
    elif proposal.field == ProposalField.MAX_SCORE:
        score = parse_score(proposal.proposed_text)
        if score is None or score <= 0:
            raise ValidationError(_("The proposed max score is not a number above 0; edit the draft by hand."))
        article_save(article=target, fields={"max_score": score})
    proposal.accepted_into = draft
    proposal.save()
    return proposal


@transaction.atomic
def proposal_decline(*, proposal: ChangeProposal, reply: str, by: User) -> ChangeProposal:
    if not reply.strip():
        raise ValidationError(_("Say why the proposal is declined."))
    proposal = _decide(proposal, status=ProposalStatus.DECLINED, reply=reply, by=by)
    proposal.save()
    return proposal
