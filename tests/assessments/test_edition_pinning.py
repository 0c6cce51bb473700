"""优标 revises the handbook; what was scored under an older edition stays on it."""

from assessments.models import Scorecard
from handbook.models import Article, EditionStatus
from handbook.services import article_save, edition_publish, edition_start_draft
from tests.conftest import World
from tests.factories import open_scorecard


def test_publishing_a_new_edition_leaves_open_and_old_scorecards_on_theirs(world: World, default_edition) -> None:
    old_card = open_scorecard(world.branch_a, year=2026, quarter=3)
    draft = edition_start_draft(source=default_edition, version="2027")
    changed = draft.articles.get(code="1-01")
    article_save(article=changed, fields={"title": "“三会一课”制度(2027 修订)"})
    edition_publish(edition=draft)

    default_edition.refresh_from_db()
    assert default_edition.status == EditionStatus.RETIRED
    old_card = Scorecard.objects.get(pk=old_card.pk)
    assert old_card.edition_id == default_edition.pk
    assert {line.article.edition_id for line in old_card.lines.select_related("article")} == {default_edition.pk}
    assert (
        old_card.lines.get(article__code="1-01").article.title
        == Article.objects.get(edition=default_edition, code="1-01").title
    )

    new_card = open_scorecard(world.branch_a, year=2026, quarter=4)
    assert new_card.edition_id == draft.pk
    assert new_card.lines.get(article__code="1-01").article.title == "“三会一课”制度(2027 修订)"
