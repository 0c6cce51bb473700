"""The handbook is the platform's: only administrators of a root of the tree write it. An
administrator of one branch (or of a committee below the root) reads it like anyone else
(security finding: a DEMO-P05 administrator made and published an edition every committee
then had in force, and read every committee's change proposals)."""

import pytest
from django.test import Client
from django.urls import reverse

from branches.models import Role
from branches.services import role_grant
from handbook.models import Edition, EditionStatus
from handbook.services import edition_start_draft, proposal_create
from tests.factories import UserFactory, make_edition


@pytest.fixture
def branch_admin(world):
    user = UserFactory(username="p05_admin")
    role_grant(by=None, user=user, role=Role.ADMINISTRATOR, organisation=world.branch_a)
    client = Client()
    client.force_login(user)
    return client


def test_an_administrator_of_a_branch_cannot_start_a_draft_of_the_handbook(world, branch_admin):
    make_edition(version="V1")
    response = branch_admin.post(reverse("handbook:draft_start"), {"version": "V9"})
    assert response.status_code == 403
    assert not Edition.objects.filter(status=EditionStatus.DRAFT).exists()


def test_an_administrator_of_a_branch_cannot_edit_or_publish_through_the_api(world, branch_admin):
    in_force = make_edition(version="V1")
    draft = edition_start_draft(source=in_force, version="V2")
    article = draft.articles.order_by("code").first()
    patch = branch_admin.patch(
        f"/api/v1/handbook/articles/{article.pk}/", {"title": "改"}, content_type="application/json"
    )
    assert patch.status_code in (403, 404)
    assert branch_admin.post(f"/api/v1/handbook/editions/{draft.pk}/publish/").status_code in (403, 404)
    draft.refresh_from_db()
    assert draft.status == EditionStatus.DRAFT
    # A root's administrator still can.
    root = Client()
    root.force_login(world.administrator)
    assert root.post(f"/api/v1/handbook/editions/{draft.pk}/publish/").status_code == 200


def test_an_administrator_of_a_branch_reads_only_their_own_proposals(world, branch_admin):
    article = make_edition(version="V1").articles.order_by("code").first()
    other = proposal_create(article=article, field="what", proposed_text="乙", reason="理由", by=world.secretary_b)
    assert branch_admin.get(reverse("handbook:proposal", args=[other.pk])).status_code == 404
    assert list(branch_admin.get(reverse("handbook:proposals")).context["proposals"]) == []
