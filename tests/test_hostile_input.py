"""Values that once reached a 500 on the HTML pages: digits that pass ``str.isdigit()`` but not
``int()`` (², ①), NaN and 1e30 in score fields, ids past 2^63, NUL bytes. Each is refused with
a message, or read as "no filter", and changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from assessments.models import (
    AssessmentPlan,
    Finding,
    RectificationItem,
    Scorecard,
    ScorecardLine,
    ScoreChange,
    UpgradeTarget,
)
from assessments.services.review import finding_add, scorecard_finalise, scorecard_mark_reviewed
from config.request_values import parse_decimal, parse_id, parse_int, parse_quarter
from handbook.exchange import parse_due_rule, parse_score
from handbook.models import TrainingAttendance, TrainingSession
from members import id_numbers
from tests.assessments.url_access import upgrade_target
from tests.conftest import World, english_interface
from tests.factories import RECORDS_REASON, MemberFactory, open_scorecard, submit_card

_messages_in_english, as_role = english_interface()

UNICODE_DIGITS = ["²", "①", "²026", "٣"]


def _errors(response: object) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "error"]  # type: ignore[attr-defined]


def _line_errors(response: object, line: object) -> list[str]:
    """The messages a refused line save shows on that line of the page it answers with."""
    shown = next(x for x in response.context["lines"] if x.pk == line.pk)  # type: ignore[attr-defined]
    return [*shown.top_errors, *(e for rule, *_counts in shown.rules if rule.error for e in [rule.error])]


def _submitted(world: World) -> Scorecard:
    card = open_scorecard(world.branch_a)
    return submit_card(card, by=world.secretary_a, reason=RECORDS_REASON)


# --- the parsers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [*UNICODE_DIGITS, "", "-1", "0", "1e3", " ", str(2**63), str(10**30), "1_000"])
def test_an_id_is_ascii_digits_within_64_bits(raw: str) -> None:
    assert parse_id(raw) is None


def test_an_id_at_the_64_bit_limit_is_still_one() -> None:
    assert parse_id(str(2**63 - 1)) == 2**63 - 1
    assert parse_id(" 42 ") == 42


@pytest.mark.parametrize("raw", ["NaN", "sNaN", "Infinity", "-Infinity", "1e30", "100.05", "abc", "²", "1" * 50])
def test_a_score_is_a_finite_number_that_fits_its_column(raw: str) -> None:
    with pytest.raises(Exception) as caught:
        parse_decimal(raw, max_digits=5, decimal_places=1, min_value=0, max_value=100)
    assert type(caught.value).__name__ == "ValidationError"


def test_a_score_with_trailing_zeros_is_kept_at_the_columns_places() -> None:
    assert parse_decimal("85.50", max_digits=5, decimal_places=1) == Decimal("85.5")


@pytest.mark.parametrize("raw", ["²026Q1", "2026Q5", "2026q0", "1999Q1", "20261Q1", "٢٠٢٦Q1"])
def test_a_quarter_is_written_with_ascii_digits(raw: str) -> None:
    with pytest.raises(Exception) as caught:
        parse_quarter(raw)
    assert type(caught.value).__name__ == "ValidationError"
    assert parse_quarter(" 2026q3 ") == (2026, 3)


def test_a_whole_number_in_other_digits_is_refused() -> None:
    for raw in UNICODE_DIGITS:
        with pytest.raises(Exception) as caught:
            parse_int(raw)
        assert type(caught.value).__name__ == "ValidationError"


def test_an_id_number_starting_with_a_superscript_digit_is_a_bad_row_not_a_crash() -> None:
    with pytest.raises(id_numbers.InvalidIdNumber) as caught:
        id_numbers.validate("²10105199504030021")
    assert caught.value.args == ("characters",)


def test_the_handbook_exchange_refuses_non_finite_scores_and_other_digits() -> None:
    assert parse_score("NaN") is None
    assert parse_score("1e30") is None
    assert parse_score(1e30) is None
    assert parse_score("2.5") == Decimal("2.5")
    assert parse_due_rule("day:²") is None
    assert parse_due_rule("day:5") == ("day", 5)


# --- the pages ------------------------------------------------------------------------------------


def test_a_line_count_under_an_id_in_other_digits_is_refused(world: World, as_role, default_edition) -> None:
    card = open_scorecard(world.branch_a)
    line = card.lines.first()
    url = reverse("assessments:line_save", kwargs={"pk": card.pk, "line_pk": line.pk})
    for key in ("count-²", "count-①", f"count-{10**20}"):
        response = as_role("secretary_a").post(url, {"line_version": line.version, key: "1"})
        assert response.status_code == 400
        assert _line_errors(response, line) == ["That deduction rule does not belong to this article."]
    line.refresh_from_db()
    assert line.version == 1 and line.saved_at is None


def test_a_count_in_other_digits_is_refused(world: World, as_role, default_edition) -> None:
    card = open_scorecard(world.branch_a)
    line = card.lines.select_related("article").first()
    rule = line.article.deductions.first()
    url = reverse("assessments:line_save", kwargs={"pk": card.pk, "line_pk": line.pk})
    response = as_role("secretary_a").post(url, {"line_version": line.version, f"count-{rule.pk}": "²"})
    assert _line_errors(response, line) == ["A count must be a whole number."]


def test_a_review_count_under_an_id_in_other_digits_is_refused(world: World, as_role, default_edition) -> None:
    card = _submitted(world)
    line = card.lines.first()
    url = reverse("assessments:review_line_save", kwargs={"pk": card.pk, "line_pk": line.pk})
    response = as_role("reviewer").post(url, {"version": card.version, "count-²": "1"})
    # The review page again, the refusal on the line, nothing saved.
    assert response.status_code == 400
    shown = next(x for x in response.context["lines"] if x.pk == line.pk)
    assert shown.top_errors == ["That deduction rule does not belong to this article."]
    assert not ScoreChange.objects.filter(scorecard=card, side="review").exists()


@pytest.mark.parametrize("raw", ["NaN", "sNaN", "Infinity", "1e30", "-5", "100.5"])
def test_a_written_test_score_that_is_not_a_score_is_refused(world: World, as_role, default_edition, raw) -> None:
    card = _submitted(world)
    url = reverse("assessments:review_details", kwargs={"pk": card.pk})
    response = as_role("reviewer").post(
        url, {"version": card.version, "methods": ["written_test"], "written_test_score": raw}
    )
    # Refused beside the field, on the review page again, nothing saved.
    assert response.status_code == 400
    assert 'id="written-test-error"' in response.content.decode()
    card.refresh_from_db()
    assert card.written_test_score is None


def test_a_finding_on_an_article_id_in_other_digits_is_refused(world: World, as_role, default_edition) -> None:
    card = _submitted(world)
    url = reverse("assessments:finding_add", kwargs={"pk": card.pk})
    for article in ("²", str(10**20)):
        response = as_role("reviewer").post(url, {"article": article, "problem": "问题", "severity": "minor"})
        assert response.status_code == 400
        assert response.context["finding_form"].errors == {"article": ["Choose an article of this scorecard."]}
    assert not Finding.objects.exists()


def test_a_rectification_owner_in_other_digits_is_refused(world: World, as_role, default_edition) -> None:
    card = _submitted(world)
    finding_add(
        scorecard=card, by=world.reviewer, article_id=card.lines.first().article_id, problem="问题", severity="minor"
    )
    card = scorecard_mark_reviewed(scorecard=card, by=world.reviewer, version=card.version)
    scorecard_finalise(scorecard=card, by=world.reviewer, version=card.version)
    item = RectificationItem.objects.get()
    owner = item.owner_id
    response = as_role("reviewer").post(
        reverse("assessments:rectification_assign", kwargs={"pk": item.pk}), {"owner": "²"}
    )
    assert response.status_code == 400
    assert response.context["assign_form"].errors == {"owner": ["Choose the owner from the list."]}
    item.refresh_from_db()
    assert item.owner_id == owner


def test_the_dashboard_and_its_export_read_other_digits_as_nothing(world: World, as_role, default_edition) -> None:
    reviewer = as_role("reviewer")
    # A quarter in other digits is not a quarter: said on the page, never another quarter shown.
    assert reviewer.get(reverse("assessments:dashboard"), {"quarter": "²026Q1"}).status_code == 400
    assert reviewer.get(reverse("assessments:dashboard"), {"org": "²"}).status_code == 404
    assert reviewer.get(reverse("assessments:dashboard"), {"org": str(10**20)}).status_code == 404
    assert reviewer.get(reverse("assessments:export"), {"year": "²026"}).status_code == 200
    assert reviewer.get(reverse("assessments:index"), {"quarter": "²026Q1"}).status_code == 200


def test_a_plan_for_an_organisation_or_quarter_in_other_digits_is_refused(world: World, as_role) -> None:
    url = reverse("assessments:plan_create")
    assert as_role("reviewer").post(url, {"org": "²", "quarter": "2026Q3"}).status_code == 404
    response = as_role("reviewer").post(url, {"org": world.committee.pk, "quarter": "²026Q1"})
    assert response.context["form"].errors == {"quarter": ["A quarter is written like 2026Q3."]}
    response = as_role("reviewer").post(url, {"org": world.committee.pk, "quarter": "2026Q3", "sample_percent": "²"})
    assert response.status_code == 400
    assert response.context["form"].errors == {"sample_percent": ["Enter a whole number."]}
    assert not AssessmentPlan.objects.exists()


@pytest.mark.parametrize("raw", ["-5", "999", "NaN", "1e30"])
def test_an_upgrade_target_score_outside_0_to_100_is_refused(world: World, as_role, raw) -> None:
    target = UpgradeTarget.objects.get(pk=upgrade_target(world)["target_pk"])
    before = target.target_score
    url = reverse("assessments:upgrade_target", kwargs={"pk": target.plan_id, "target_pk": target.pk})
    response = as_role("secretary_a").post(url, {"action": "补短板", "progress": "", "target_score": raw})
    assert response.status_code == 400
    shown = next(t for t in response.context["targets"] if t.pk == target.pk)
    assert shown.form.errors == {"target_score": ["The target score must be a number from 0 to 100."]}
    target.refresh_from_db()
    assert target.target_score == before


def test_a_handbook_part_in_other_digits_is_no_filter(world: World, as_role, default_edition) -> None:
    response = as_role("secretary_a").get(reverse("handbook:index"), {"part": "²"})
    assert response.status_code == 200
    assert response.context["filters"]["part"] == ""


def test_attendance_with_a_member_id_in_other_digits_or_a_nan_score_changes_nothing(
    world: World, as_role, default_edition
) -> None:
    session = TrainingSession.objects.create(
        organisation=world.committee, held_on=dt.date(2026, 11, 1), topic="解标培训"
    )
    member = MemberFactory(branch=world.branch_a)
    url = reverse("handbook:training_attendance", kwargs={"pk": session.pk})
    response = as_role("administrator").post(url, {"attended": ["²", str(10**20)]})
    assert response.status_code == 302  # no one ticked: saved as nobody
    for score in ("NaN", "1e30", "sNaN"):
        response = as_role("administrator").post(url, {"attended": [str(member.pk)], f"score_{member.pk}": score})
        assert response.status_code == 200
        assert response.context["errors"]
    assert not TrainingAttendance.objects.exists()


def test_a_nul_byte_in_a_form_is_a_400_that_changes_nothing(world: World, as_role, default_edition) -> None:
    card = open_scorecard(world.branch_a)
    line = card.lines.first()
    url = reverse("assessments:line_save", kwargs={"pk": card.pk, "line_pk": line.pk})
    response = as_role("secretary_a").post(url, {"version": card.version, "note": "a\x00b"})
    assert response.status_code == 400
    assert "control characters" in response.content.decode()
    assert ScorecardLine.objects.get(pk=line.pk).note == ""
    urlencoded = as_role("secretary_a").post(
        url, f"version={card.version}&note=a%00b", content_type="application/x-www-form-urlencoded"
    )
    assert urlencoded.status_code == 400


@pytest.mark.parametrize(("name", "params"), [("audit_log", {"who": "a\x00b"}), ("handbook:index", {"q": "a\x00b"})])
def test_a_nul_byte_in_a_query_string_is_a_400(world: World, as_role, default_edition, name: str, params) -> None:
    response = as_role("administrator").get(reverse(name), params)
    assert response.status_code == 400


def test_tabs_and_line_breaks_still_reach_a_form(world: World, as_role, default_edition) -> None:
    card = open_scorecard(world.branch_a)
    line = card.lines.first()
    url = reverse("assessments:line_save", kwargs={"pk": card.pk, "line_pk": line.pk})
    response = as_role("secretary_a").post(url, {"line_version": line.version, "note": "第一行\r\n\t第二行"})
    assert response.status_code == 302
    assert ScorecardLine.objects.get(pk=line.pk).note == "第一行\r\n\t第二行"


def test_a_file_one_byte_over_the_limit_is_shown_as_over_it(settings) -> None:
    import io

    from members.excel.reader import FileRefused, check_file

    settings.MEMBERS_IMPORT_MAX_BYTES = 10 * 1024 * 1024
    with pytest.raises(FileRefused) as caught:
        check_file(io.BytesIO(b"PK"), 10 * 1024 * 1024 + 1)
    assert str(caught.value.args[0]) == "The file is 10,485,761 bytes; the limit is 10,485,760 bytes."
    with pytest.raises(FileRefused) as caught:
        check_file(io.BytesIO(b"PK"), 12 * 1024 * 1024)
    assert str(caught.value.args[0]) == "The file is 12.0 MB; the limit is 10.0 MB."


def test_a_task_completion_note_over_5000_characters_is_refused(world: World, as_role) -> None:
    from tasks.models import Task, TaskStatus
    from tests.tasks.url_access import task_in_a

    pk = task_in_a(world)["pk"]
    response = as_role("secretary_a").post(reverse("tasks:complete", kwargs={"pk": pk}), {"note": "做" * 5001})
    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    assert Task.objects.get(pk=pk).status == TaskStatus.OPEN


def test_a_task_check_comment_over_2000_characters_is_refused(world: World) -> None:
    from django.core.exceptions import ValidationError

    from tasks.models import Task, TaskStatus
    from tasks.services.lifecycle import task_check
    from tests.tasks.url_access import done_in_a

    task = Task.objects.get(pk=done_in_a(world)["pk"])
    with pytest.raises(ValidationError):
        task_check(task=task, by=world.reviewer, quality="good", comment="评" * 2001)
    assert Task.objects.get(pk=task.pk).status == TaskStatus.DONE


@pytest.mark.parametrize("value", ["²", str(10**30)])
def test_a_study_focus_on_articles_named_by_hostile_ids_is_a_form_error(
    world: World, as_role, default_edition, value
) -> None:
    from handbook.models import StudyFocus

    url = reverse("handbook:study_create")
    data = {"organisation": world.committee.pk, "year": 2026, "quarter": 3, "articles": [value], "note": "学"}
    response = as_role("administrator").post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["articles"]
    assert not StudyFocus.objects.exists()
