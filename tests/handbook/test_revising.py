"""优标: drafts copy the edition in force, are edited, compared and published."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from handbook.models import Article, Edition, EditionStatus, TrainingSession
from handbook.selectors import edition_diff
from handbook.services import (
    article_retire,
    article_save,
    edition_import,
    edition_publish,
    edition_start_draft,
    publication_errors,
)
from tests.factories import handbook_document, make_edition


def test_a_new_draft_copies_every_article_as_new_rows(db):
    old = make_edition(version="V1")
    draft = edition_start_draft(source=old, version="V2")
    assert draft.status == EditionStatus.DRAFT and draft.based_on == old
    old_codes = sorted(old.articles.values_list("code", flat=True))
    assert sorted(draft.articles.values_list("code", flat=True)) == old_codes
    assert not set(draft.articles.values_list("pk", flat=True)) & set(old.articles.values_list("pk", flat=True))
    assert draft.articles.first().deductions.count() == old.articles.first().deductions.count()
    assert edition_diff(old, draft) and all(row.status == "same" for row in edition_diff(old, draft))


def test_publishing_a_draft_retires_the_old_edition_and_leaves_old_records_on_theirs(world):
    old = make_edition(version="V1")
    old_article = old.articles.order_by("code").first()
    # Anything recorded under the old edition (here a training session) points at its rows.
    session = TrainingSession.objects.create(organisation=world.committee, held_on="2026-10-01", topic="解标")
    session.articles.set([old_article])
    draft = edition_start_draft(source=old, version="V2")
    new_article = draft.articles.get(code=old_article.code)
    article_save(article=new_article, fields={"title": "新标题"})
    edition_publish(edition=draft)
    old.refresh_from_db()
    draft.refresh_from_db()
    assert old.status == EditionStatus.RETIRED and old.retired_at is not None
    assert draft.status == EditionStatus.PUBLISHED
    assert list(session.articles.all()) == [old_article]
    old_article.refresh_from_db()
    assert old_article.edition == old and old_article.title != "新标题"


def test_only_one_edition_can_be_in_force(db):
    make_edition(version="V1")
    other = make_edition(version="V2", published=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Edition.objects.filter(pk=other.pk).update(status=EditionStatus.PUBLISHED)


def test_a_published_edition_cannot_be_edited(db):
    edition = make_edition(version="V1")
    with pytest.raises(ValidationError, match="Only a draft"):
        article_save(article=edition.articles.first(), fields={"title": "改"})
    with pytest.raises(ValidationError, match="Only a draft"):
        article_retire(article=edition.articles.first())


def test_a_draft_whose_scores_no_longer_add_up_cannot_be_published(db):
    draft = edition_start_draft(source=make_edition(version="V1"), version="V2")
    article_retire(article=draft.articles.first())
    assert publication_errors(draft)
    with pytest.raises(ValidationError, match="not 100"):
        edition_publish(edition=draft)
    assert Edition.objects.get(version="V1").status == EditionStatus.PUBLISHED


def test_the_diff_shows_added_removed_and_changed_articles(db):
    old = make_edition(version="V1")
    draft = edition_start_draft(source=old, version="V2")
    first, second = draft.articles.order_by("code")[:2]
    article_save(article=first, fields={"standard": "新标准", "max_score": first.max_score - 1})
    article_retire(article=second)
    added = Article(edition=draft)
    fields = {f: getattr(second, f) for f in ("what", "who", "who_role", "how", "when", "standard", "evidence")}
    fields |= {"part": second.part, "code": "3-99", "title": "新增条款", "line": "league", "example": "范例"}
    fields |= {"frequency": "yearly", "due_kind": "end", "due_value": None, "max_score": Decimal(1)}
    from handbook.exchange import ParsedDeduction

    article_save(article=added, fields=fields, deductions=[ParsedDeduction("未开展 −1", Decimal(1), None)])
    rows = {row.code: row for row in edition_diff(old, draft)}
    assert rows[first.code].status == "changed"
    assert {label for label, _a, _b in rows[first.code].changes} == {"standard (to what degree)", "max score"}
    assert rows[second.code].status == "removed"
    assert rows["3-99"].status == "added"


def test_the_administrator_edits_an_article_of_a_draft_through_the_form(world, as_role):
    draft = edition_start_draft(source=make_edition(version="V1"), version="V2")
    article = draft.articles.order_by("code").first()
    data = {
        f: getattr(article, f)
        for f in ("code", "title", "line", "who_role", "what", "who", "how", "when", "frequency", "due_kind")
    }
    data |= {"part": article.part_id, "due_value": article.due_value or "", "standard": "按月检查"}
    data |= {"evidence": article.evidence, "example": article.example, "max_score": article.max_score}
    data["deductions_text"] = "少开一次 | 1 | 3\r\n记录不全 | 0.5"
    data["example"] = article.example.replace("\n", "\r\n")
    response = as_role("administrator").post(reverse("handbook:article_edit", kwargs={"pk": article.pk}), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.standard == "按月检查"
    # A textarea sends CRLF; the stored text keeps LF, so an untouched field is no change.
    assert edition_diff(Edition.objects.get(version="V1"), draft)[0].changes[0][0] == "standard (to what degree)"
    assert len(edition_diff(Edition.objects.get(version="V1"), draft)[0].changes) == 2
    assert [(d.description, d.points, d.cap) for d in article.deductions.all()] == [
        ("少开一次", Decimal(1), Decimal(3)),
        ("记录不全", Decimal("0.5"), None),
    ]


def test_a_bad_deduction_line_is_shown_and_nothing_is_saved(world, as_role):
    draft = edition_start_draft(source=make_edition(version="V1"), version="V2")
    article = draft.articles.order_by("code").first()
    response = as_role("administrator").post(
        reverse("handbook:article_edit", kwargs={"pk": article.pk}),
        {"title": "x", "deductions_text": "没有分值"},
    )
    assert response.status_code == 200
    assert "description | points | cap" in response.content.decode()
    article.refresh_from_db()
    assert article.title != "x"


def test_publishing_through_the_page_puts_the_draft_in_force(world, as_role):
    draft = edition_start_draft(source=make_edition(version="V1"), version="V2")
    client = as_role("administrator")
    assert client.get(reverse("handbook:edition_diff", kwargs={"pk": draft.pk})).status_code == 200
    response = client.post(reverse("handbook:edition_publish", kwargs={"pk": draft.pk}))
    assert response.status_code == 302
    assert Edition.objects.get(status=EditionStatus.PUBLISHED) == draft


def test_starting_a_draft_needs_a_new_version(world, as_role):
    make_edition(version="V1")
    response = as_role("administrator").post(reverse("handbook:draft_start"), {"version": "V1"}, follow=True)
    assert "already exists" in response.content.decode()
    assert Edition.objects.count() == 1


def test_an_imported_document_becomes_a_draft(db):
    edition = edition_import(data=handbook_document(version="X"))
    assert edition.status == EditionStatus.DRAFT and not publication_errors(edition)


def test_an_article_of_a_retired_edition_links_to_the_one_in_force(world, as_role):
    old = make_edition(version="V1")
    edition_publish(edition=edition_start_draft(source=old, version="V2"))
    old_article = old.articles.order_by("code").first()
    response = as_role("member").get(reverse("handbook:article", kwargs={"pk": old_article.pk}))
    new_article = Edition.objects.get(version="V2").articles.get(code=old_article.code)
    assert response.context["in_force"] == new_article
    assert "This edition is retired." in response.content.decode()
