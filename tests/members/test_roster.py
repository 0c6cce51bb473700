"""Roster pages: scoped by role, ID numbers masked except to administrators, search,
filters, pagination, edit."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from members import selectors
from members.models import Category, Member, MemberStatus
from tests.factories import MemberFactory, make_id_number
from tests.members.id_attacks import masked_id_attacks


@pytest.fixture
def people(world):
    return {
        "a": MemberFactory(branch=world.branch_a, name="王芳", phone="13911112222"),
        "b": MemberFactory(branch=world.branch_b, name="李强", category=Category.PROBATIONARY, full_member_on=None),
    }


def names(response):
    return sorted(m.name for m in response.context["page"])


def test_the_administrator_sees_every_member_with_full_id_numbers(world, people, as_role):
    response = as_role("administrator").get(reverse("members:roster"))
    assert names(response) == ["李强", "王芳"]
    assert people["a"].id_number in response.content.decode()


def test_a_reviewer_sees_the_subtree_with_masked_id_numbers(world, people, as_role):
    response = as_role("reviewer").get(reverse("members:roster"))
    page = response.content.decode()
    assert names(response) == ["李强", "王芳"]
    assert people["a"].id_number not in page and people["a"].masked_id_number in page


def test_a_secretary_sees_only_their_own_branch(world, people, as_role):
    response = as_role("secretary_a").get(reverse("members:roster"))
    assert names(response) == ["王芳"]


def test_a_secretary_cannot_see_another_branchs_member(world, people, as_role):
    client = as_role("secretary_a")
    assert client.get(reverse("members:detail", kwargs={"pk": people["b"].pk})).status_code == 404
    assert client.get(reverse("members:org_roster", kwargs={"pk": world.branch_b.pk})).status_code == 404


def test_a_plain_member_sees_nothing_of_the_roster(world, people, as_role):
    client = as_role("member")
    assert client.get(reverse("members:roster")).status_code == 403
    assert client.get(reverse("members:detail", kwargs={"pk": people["a"].pk})).status_code == 403


def test_the_detail_page_masks_the_id_number_except_for_administrators(world, people, as_role):
    url = reverse("members:detail", kwargs={"pk": people["a"].pk})
    assert people["a"].id_number in as_role("administrator").get(url).content.decode()
    for role in ("reviewer", "secretary_a"):
        page = as_role(role).get(url).content.decode()
        assert people["a"].id_number not in page and people["a"].masked_id_number in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "王"}, ["王芳"]),
        ({"q": "1391111"}, ["王芳"]),
        ({"category": "probationary"}, ["李强"]),
        ({"status": "flowing"}, []),
    ],
)
def test_the_roster_searches_and_filters(world, people, as_role, query, expected):
    assert names(as_role("reviewer").get(reverse("members:roster"), query)) == expected


def test_the_roster_searches_by_the_tail_of_the_id_number(world, people, as_role):
    tail = people["b"].id_number[-4:]
    assert names(as_role("reviewer").get(reverse("members:roster"), {"q": tail})) == ["李强"]


def test_the_roster_search_cannot_read_back_the_masked_part_of_an_id_number(world, people, as_role):
    number = people["a"].id_number
    for role in ("secretary_a", "reviewer"):
        client = as_role(role)
        assert people["a"].masked_id_number in client.get(reverse("members:roster")).content.decode()
        for attack in masked_id_attacks(number):
            assert names(client.get(reverse("members:roster"), {"q": attack})) == [], f"{role} found {attack}"
        for search in (number[-4:], "王", "13911112222"):
            assert names(client.get(reverse("members:roster"), {"q": search})) == ["王芳"], f"{role}: {search}"


def test_an_administrator_finds_a_member_on_the_roster_page_by_the_whole_id_number(world, people, as_role):
    client = as_role("administrator")
    assert names(client.get(reverse("members:roster"), {"q": people["a"].id_number})) == ["王芳"]
    assert names(client.get(reverse("members:roster"), {"q": people["a"].id_number[4:14]})) == []


def test_the_roster_filters_by_branch(world, people, as_role):
    response = as_role("reviewer").get(reverse("members:roster"), {"branch": world.branch_b.pk})
    assert names(response) == ["李强"]


def test_a_branch_outside_the_scope_is_not_a_valid_filter(world, people, as_role):
    response = as_role("secretary_a").get(reverse("members:roster"), {"branch": world.branch_b.pk})
    assert response.status_code == 200 and names(response) == ["王芳"]


def test_the_roster_is_paginated(world, as_role):
    for i in range(55):
        MemberFactory(branch=world.branch_a, id_number=make_id_number(dt.date(1980, 1, 1) + dt.timedelta(days=i)))
    client = as_role("administrator")
    first = client.get(reverse("members:org_roster", kwargs={"pk": world.branch_a.pk}))
    second = client.get(reverse("members:org_roster", kwargs={"pk": world.branch_a.pk}), {"page": 2})
    assert len(first.context["page"]) == 50 and len(second.context["page"]) == 5


def test_the_standing_is_derived_from_the_full_member_date(world):
    member = MemberFactory(branch=world.branch_a, full_member_on=dt.date(2010, 11, 22))
    assert member.standing_years(dt.date(2026, 11, 21)) == 15
    assert member.standing_years(dt.date(2026, 11, 22)) == 16


def test_an_administrator_edits_the_whole_record(world, people, as_role):
    member = people["a"]
    data = {
        "name": "王芳芳",
        "gender": "female",
        "ethnicity": "回族",
        "birth_date": member.birth_date.isoformat(),
        "id_number": member.id_number,
        "phone": "13500000000",
        "education": "bachelor",
        "post": "资料员",
        "category": "full",
        "joined_on": "2008-07-01",
        "full_member_on": "2009-07-01",
    }
    response = as_role("administrator").post(reverse("members:edit", kwargs={"pk": member.pk}), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.name, member.ethnicity, member.phone) == ("王芳芳", "回族", "13500000000")


def test_an_edit_breaking_a_rule_changes_nothing(world, people, as_role):
    member = people["a"]
    data = {
        "name": "王芳",
        "gender": "female",
        "ethnicity": "汉族",
        "birth_date": "1970-01-01",  # not the birth date in the ID number
        "id_number": member.id_number,
        "category": "full",
        "joined_on": "2008-07-01",
        "full_member_on": "2007-07-01",  # before joining
    }
    response = as_role("administrator").post(reverse("members:edit", kwargs={"pk": member.pk}), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "birth_date" in errors and "full_member_on" in errors
    member.refresh_from_db()
    assert member.birth_date == dt.date(1985, 3, 14)


def test_a_duplicate_id_number_is_refused_on_edit(world, people, as_role):
    member = people["a"]
    other = people["b"]
    data = {
        "name": member.name,
        "gender": "male",
        "ethnicity": "汉族",
        "birth_date": other.birth_date.isoformat(),
        "id_number": other.id_number.lower(),
        "category": "full",
        "joined_on": "2008-07-01",
        "full_member_on": "2009-07-01",
    }
    response = as_role("administrator").post(reverse("members:edit", kwargs={"pk": member.pk}), data)
    assert response.status_code == 200 and "id_number" in response.context["form"].errors


def test_a_secretary_edits_only_contact_fields(world, people, as_role):
    member = people["a"]
    url = reverse("members:edit", kwargs={"pk": member.pk})
    response = as_role("secretary_a").post(url, {"phone": "13600000000", "post": "班组长", "name": "改名"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.phone, member.post, member.name) == ("13600000000", "班组长", "王芳")


def test_a_reviewer_cannot_edit(world, people, as_role):
    url = reverse("members:edit", kwargs={"pk": people["a"].pk})
    assert as_role("reviewer").post(url, {"phone": "1"}).status_code == 403


def test_an_administrator_adds_a_member_with_an_entry_in_the_history(world, as_role):
    number = make_id_number(dt.date(1995, 2, 3))
    data = {
        "branch": world.branch_a.pk,
        "name": "新党员",
        "gender": "male",
        "ethnicity": "汉族",
        "birth_date": "1995-02-03",
        "id_number": number,
        "category": "probationary",
        "joined_on": "2026-07-01",
    }
    response = as_role("administrator").post(reverse("members:create", kwargs={"pk": world.branch_a.pk}), data)
    assert response.status_code == 302
    member = Member.objects.get(id_number=number)
    assert member.status == MemberStatus.ON_ROLL and member.transfers.count() == 1


def test_the_selectors_agree_with_the_pages(world, people):
    assert set(selectors.members_visible_to(world.secretary_a)) == {people["a"]}
    assert set(selectors.members_visible_to(world.reviewer)) == {people["a"], people["b"]}
    assert not selectors.members_visible_to(world.member).exists()
    assert not selectors.members_visible_to(world.outsider).exists()


@pytest.mark.parametrize(
    "query", [{"page": "abc"}, {"page": "999"}, {"branch": "999999"}, {"category": "nonsense"}, {"q": "x" * 500}]
)
def test_odd_roster_queries_still_answer(world, people, as_role, query):
    assert as_role("reviewer").get(reverse("members:roster"), query).status_code == 200


def test_a_transfer_to_a_branch_outside_the_administrators_reach_is_refused(world, people, as_role):
    from tests.factories import make_org

    elsewhere = make_org(make_org(code="C9"), code="X9")
    response = as_role("administrator").post(
        reverse("members:transfer", kwargs={"pk": people["a"].pk}),
        {"action": "transfer", "to_branch": elsewhere.pk, "on": "2026-11-01"},
    )
    assert response.status_code == 200 and "to_branch" in response.context["form"].errors
    people["a"].refresh_from_db()
    assert people["a"].branch == world.branch_a


def test_an_edit_with_a_date_in_the_future_changes_nothing(world, people, as_role):
    member = people["a"]
    future = timezone.localdate() + dt.timedelta(days=30)
    data = {
        "name": member.name,
        "gender": "male",
        "ethnicity": "汉族",
        "birth_date": member.birth_date.isoformat(),
        "id_number": member.id_number,
        "category": "full",
        "joined_on": future.isoformat(),
        "full_member_on": future.isoformat(),
    }
    response = as_role("administrator").post(reverse("members:edit", kwargs={"pk": member.pk}), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert future.isoformat() in errors["joined_on"][0] and future.isoformat() in errors["full_member_on"][0]
    member.refresh_from_db()
    assert member.joined_on == dt.date(2008, 7, 1)
