"""明标: study focus, 解标 training sessions with attendance and scores, demonstration branches."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from handbook.models import DemonstrationBranch, StudyFocus, TrainingAttendance, TrainingSession
from handbook.study import demonstration_set, focuses_visible_to, study_focus_publish, training_set_attendance
from tests.factories import MemberFactory, UserFactory, make_edition, make_org


@pytest.fixture
def in_force(world):
    return make_edition(version="V1")


def test_a_reviewer_publishes_the_quarters_study_focus_and_every_branch_below_sees_it(world, as_role, in_force):
    articles = list(in_force.articles.order_by("code")[:2])
    response = as_role("reviewer").post(
        reverse("handbook:study_create"),
        {
            "organisation": world.committee.pk,
            "year": 2026,
            "quarter": 4,
            "articles": [a.pk for a in articles],
            "note": "上季度共性问题:三会一课记录不全",
        },
    )
    assert response.status_code == 302
    focus = StudyFocus.objects.get()
    assert list(focus.articles.order_by("code")) == articles
    for role in ("secretary_a", "secretary_b", "member"):
        listed = as_role(role).get(reverse("handbook:study_list")).context["focuses"]
        assert list(listed) == [focus], role


def test_a_focus_published_by_another_committee_is_not_seen(world, in_force):
    other = make_org(name="另一个公司党委", code="OTHER")
    study_focus_publish(
        organisation=other,
        year=2026,
        quarter=4,
        note="n",
        articles=list(in_force.articles.all()[:1]),
        by=UserFactory(is_superuser=True),
    )
    assert not focuses_visible_to(world.secretary_a).exists()


def test_publishing_again_for_the_same_quarter_replaces_the_focus(world, in_force):
    first, second = in_force.articles.order_by("code")[:2]
    kwargs = {"organisation": world.committee, "year": 2026, "quarter": 4, "by": world.reviewer}
    study_focus_publish(note="一", articles=[first], **kwargs)
    study_focus_publish(note="二", articles=[second], **kwargs)
    focus = StudyFocus.objects.get()
    assert focus.note == "二" and list(focus.articles.all()) == [second]


def test_a_secretary_cannot_publish_a_study_focus(world, in_force):
    with pytest.raises(ValidationError):
        study_focus_publish(
            organisation=world.branch_a, year=2026, quarter=4, note="n", articles=[], by=world.secretary_a
        )


def test_a_training_session_records_attendees_from_the_roster_and_their_scores(world, as_role, in_force):
    a1 = MemberFactory(branch=world.branch_a, name="张三")
    b1 = MemberFactory(branch=world.branch_b, name="李四")
    client = as_role("reviewer")
    response = client.post(
        reverse("handbook:training_create"),
        {
            "organisation": world.committee.pk,
            "held_on": "2026-11-10",
            "topic": "解标培训班(第一期)",
            "location": "公司会议室",
            "articles": [in_force.articles.first().pk],
            "note": "",
        },
    )
    assert response.status_code == 302
    session = TrainingSession.objects.get()
    url = reverse("handbook:training_attendance", kwargs={"pk": session.pk})
    assert {m.name for m, _a, _s in client.get(url).context["rows"]} == {"张三", "李四"}
    response = client.post(url, {"attended": [a1.pk, b1.pk], f"score_{a1.pk}": "92.5", f"score_{b1.pk}": ""})
    assert response.status_code == 302
    scores = {a.member.name: a.test_score for a in TrainingAttendance.objects.all()}
    assert scores == {"张三": Decimal("92.5"), "李四": None}
    detail = as_role("secretary_b").get(reverse("handbook:training", kwargs={"pk": session.pk}))
    assert detail.status_code == 200 and "张三" in detail.content.decode()


def test_a_score_out_of_range_is_refused_and_nothing_is_saved(world, as_role):
    member = MemberFactory(branch=world.branch_a)
    session = TrainingSession.objects.create(organisation=world.committee, held_on=dt.date(2026, 11, 1), topic="t")
    url = reverse("handbook:training_attendance", kwargs={"pk": session.pk})
    response = as_role("administrator").post(url, {"attended": [member.pk], f"score_{member.pk}": "120"})
    assert response.status_code == 200 and "0 to 100" in response.content.decode()
    assert not TrainingAttendance.objects.exists()


def test_attendees_must_come_from_a_roster_below_the_organiser(world):
    outsider_org = make_org(name="外单位党委", code="X")
    stranger = MemberFactory(branch=make_org(outsider_org, code="XB"))
    session = TrainingSession.objects.create(organisation=world.committee, held_on=dt.date(2026, 11, 1), topic="t")
    with pytest.raises(ValidationError, match="roster"):
        training_set_attendance(session=session, attendance={stranger.pk: None}, by=world.reviewer)


def test_an_administrator_marks_a_demonstration_branch_and_everyone_sees_it(world, as_role):
    url = reverse("handbook:demonstration_edit", kwargs={"pk": world.branch_a.pk})
    response = as_role("administrator").post(url, {"since": "2026-06-01", "note": "三会一课台账规范"})
    assert response.status_code == 302
    assert DemonstrationBranch.objects.get().organisation == world.branch_a
    rows = as_role("secretary_b").get(reverse("handbook:demonstrations")).context["rows"]
    assert [d.organisation for d in rows] == [world.branch_a]
    as_role("reviewer").post(url, {"action": "clear"})
    assert not DemonstrationBranch.objects.exists()


def test_only_a_branch_can_be_a_demonstration_branch(world):
    with pytest.raises(ValidationError):
        demonstration_set(organisation=world.general, note="n", since=dt.date(2026, 1, 1), by=world.administrator)


def test_this_quarters_study_focus_heads_the_handbook_for_a_branch_below(world, as_role, in_force, settings):
    from django.utils import timezone

    today = timezone.localdate()
    study_focus_publish(
        organisation=world.committee,
        year=today.year,
        quarter=(today.month - 1) // 3 + 1,
        note="本季度重点:党费收缴",
        articles=list(in_force.articles.all()[:1]),
        by=world.reviewer,
    )
    body = as_role("secretary_b").get(reverse("handbook:index")).content.decode()
    assert "本季度重点:党费收缴" in body


def test_next_quarters_focus_is_proposed_from_last_quarters_most_deducted_articles(world, as_role, in_force):
    from handbook.study import register_deduction_source, suggested_focus, unregister_deduction_source

    a, b, c = in_force.articles.order_by("code")[:3]
    seen = []

    def reviews(organisation, year, quarter):
        seen.append((organisation, year, quarter))
        return {a.pk: Decimal(1), b.pk: Decimal(4), c.pk: Decimal("2.5")}

    register_deduction_source(reviews)
    try:
        assert suggested_focus(organisation=world.committee, year=2027, quarter=1, limit=2) == [b, c]
        assert seen == [(world.committee, 2026, 4)]
        response = as_role("reviewer").get(reverse("handbook:study_create"))
        assert set(response.context["form"].initial["articles"]) == {b, c, a}
    finally:
        unregister_deduction_source(reviews)


def test_deductions_under_an_older_edition_count_for_the_article_in_force(world):
    from handbook.services import edition_publish, edition_start_draft
    from handbook.study import register_deduction_source, suggested_focus, unregister_deduction_source

    old = make_edition(version="V1")
    old_article = old.articles.order_by("code").first()
    new = edition_publish(edition=edition_start_draft(source=old, version="V2"))

    def reviews(organisation, year, quarter):
        return {old_article.pk: Decimal(3)}

    register_deduction_source(reviews)
    try:
        assert suggested_focus(organisation=world.committee, year=2027, quarter=1) == [
            new.articles.get(code=old_article.code)
        ]
    finally:
        unregister_deduction_source(reviews)


def test_without_reviews_nothing_is_proposed(world, in_force):
    from handbook.study import suggested_focus

    assert suggested_focus(organisation=world.committee, year=2027, quarter=1) == []


def test_attendance_recorded_branch_by_branch_leaves_other_branches_alone(world, as_role):
    a1 = MemberFactory(branch=world.branch_a, name="张三")
    b1 = MemberFactory(branch=world.branch_b, name="李四")
    session = TrainingSession.objects.create(organisation=world.committee, held_on=dt.date(2026, 11, 1), topic="t")
    client = as_role("reviewer")
    url = reverse("handbook:training_attendance", kwargs={"pk": session.pk})
    client.post(url, {"attended": [a1.pk, b1.pk], f"score_{b1.pk}": "80"})
    page = client.get(url, {"branch": world.branch_a.pk})
    assert [m.name for m, _a, _s in page.context["rows"]] == ["张三"]
    client.post(f"{url}?branch={world.branch_a.pk}", {})
    assert [(a.member.name, a.test_score) for a in TrainingAttendance.objects.all()] == [("李四", Decimal(80))]


def test_a_long_roster_asks_for_a_branch_first(world, as_role, monkeypatch):
    from handbook.views import learning

    monkeypatch.setattr(learning, "ROSTER_PAGE_LIMIT", 1)
    MemberFactory(branch=world.branch_a)
    MemberFactory(branch=world.branch_b)
    session = TrainingSession.objects.create(organisation=world.committee, held_on=dt.date(2026, 11, 1), topic="t")
    url = reverse("handbook:training_attendance", kwargs={"pk": session.pk})
    page = as_role("administrator").get(url)
    assert page.context["too_long"] and page.context["rows"] == []
    assert len(as_role("administrator").get(url, {"branch": world.branch_b.pk}).context["rows"]) == 1
