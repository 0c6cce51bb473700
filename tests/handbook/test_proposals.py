"""优标: proposals to change an article, accepted into a draft or declined with a reply."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from handbook.models import ChangeProposal, ProposalStatus
from handbook.services import edition_start_draft, proposal_accept, proposal_create, proposal_decline
from tests.factories import make_edition


@pytest.fixture
def in_force(world):
    return make_edition(version="V1")


def test_a_secretary_proposes_a_change_to_an_article_in_force(world, as_role, in_force):
    article = in_force.articles.order_by("code").first()
    response = as_role("secretary_a").post(
        reverse("handbook:propose", kwargs={"pk": article.pk}),
        {"field": "how", "proposed_text": "会后2个工作日内整理记录", "reason": "3天太长"},
    )
    assert response.status_code == 302
    proposal = ChangeProposal.objects.get()
    assert proposal.proposed_by == world.secretary_a and proposal.status == ProposalStatus.OPEN


def test_a_plain_member_cannot_propose(world, as_role, in_force):
    article = in_force.articles.first()
    assert as_role("member").get(reverse("handbook:propose", kwargs={"pk": article.pk})).status_code == 403


def test_secretaries_see_only_their_own_proposals(world, as_role, in_force):
    article = in_force.articles.first()
    mine = proposal_create(article=article, field="what", proposed_text="甲", reason="理由", by=world.secretary_a)
    proposal_create(article=article, field="what", proposed_text="乙", reason="理由", by=world.secretary_b)
    assert list(as_role("secretary_a").get(reverse("handbook:proposals")).context["proposals"]) == [mine]
    assert len(as_role("administrator").get(reverse("handbook:proposals")).context["proposals"]) == 2


def test_accepting_writes_the_text_into_the_drafts_article_and_not_the_edition_in_force(world, in_force):
    article = in_force.articles.order_by("code").first()
    draft = edition_start_draft(source=in_force, version="V2")
    proposal = proposal_create(article=article, field="standard", proposed_text="新标准", reason="r", by=world.reviewer)
    proposal_accept(proposal=proposal, draft=draft, reply="采纳", by=world.administrator)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.accepted_into == draft
    assert draft.articles.get(code=article.code).standard == "新标准"
    article.refresh_from_db()
    assert article.standard != "新标准"


def test_accepting_a_max_score_change_sets_the_number(world, in_force):
    article = in_force.articles.order_by("code").first()
    draft = edition_start_draft(source=in_force, version="V2")
    proposal = proposal_create(article=article, field="max_score", proposed_text="20", reason="r", by=world.reviewer)
    proposal_accept(proposal=proposal, draft=draft, reply="", by=world.administrator)
    assert draft.articles.get(code=article.code).max_score == Decimal(20)


def test_a_proposal_is_decided_once(world, in_force):
    article = in_force.articles.first()
    proposal = proposal_create(article=article, field="what", proposed_text="x", reason="r", by=world.reviewer)
    proposal_decline(proposal=proposal, reply="不切实际", by=world.administrator)
    with pytest.raises(ValidationError, match="already been decided"):
        proposal_decline(proposal=proposal, reply="again", by=world.administrator)


def test_declining_needs_a_reply_which_the_proposer_then_sees(world, as_role, in_force):
    article = in_force.articles.first()
    proposal = proposal_create(article=article, field="what", proposed_text="x", reason="r", by=world.secretary_a)
    url = reverse("handbook:proposal_decline", kwargs={"pk": proposal.pk})
    as_role("administrator").post(url, {"reply": ""})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.OPEN
    as_role("administrator").post(url, {"reply": "与上级要求不符"})
    body = as_role("secretary_a").get(reverse("handbook:proposal", kwargs={"pk": proposal.pk})).content.decode()
    assert "与上级要求不符" in body


def test_accepting_without_a_draft_explains_what_to_do(world, as_role, in_force):
    proposal = proposal_create(
        article=in_force.articles.first(), field="what", proposed_text="x", reason="r", by=world.secretary_a
    )
    response = as_role("administrator").post(
        reverse("handbook:proposal_accept", kwargs={"pk": proposal.pk}), {}, follow=True
    )
    assert "start one first" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.OPEN


def test_a_reviewer_proposes_a_new_article_from_good_practice(world, as_role, in_force):
    response = as_role("reviewer").post(
        reverse("handbook:propose_new"),
        {"proposed_text": "“党员安全责任区”:每名党员包保一个作业面……", "reason": "一号项目部的做法值得推广"},
    )
    assert response.status_code == 302
    proposal = ChangeProposal.objects.get()
    assert proposal.article is None and proposal.field == "new_article"
    draft = edition_start_draft(source=in_force, version="V2")
    proposal_accept(proposal=proposal, draft=draft, reply="已编入第三部分", by=world.administrator)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.accepted_into == draft
    assert draft.articles.count() == in_force.articles.count()


def test_a_change_must_name_its_article_and_a_new_article_must_not(world, in_force):
    with pytest.raises(ValidationError):
        proposal_create(article=None, field="what", proposed_text="x", reason="r", by=world.reviewer)
    with pytest.raises(ValidationError):
        proposal_create(
            article=in_force.articles.first(), field="new_article", proposed_text="x", reason="r", by=world.reviewer
        )
