"""核标 检查记录 pages: the record of a check, its written-test scores, good practice and the
branch's difficulties; the committee's list of difficulties still to answer."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches import abilities

from ..forms.checks import AnswerForm, CheckRecordForm, DifficultyForm, GoodPracticeForm, WrittenScoresFormSet
from ..models import CheckRecord, Difficulty, GoodPractice, PlanKind, Scorecard
from ..selectors import get_check_record_for, get_scorecard_for, open_difficulties, plan_entry_for
from ..services import checks as services
from .common import run_and_redirect, run_with_message

RECORD_URL = {PlanKind.QUARTERLY: "assessments:check_record", PlanKind.YEAR_END: "assessments:year_end_check"}


def _to_record(record: CheckRecord) -> HttpResponse:
    return redirect(RECORD_URL[record.kind], pk=record.scorecard_id)


def _add_errors(form: Any, exc: ValidationError, default_field: str | None = None) -> None:
    """A service's refusal shown beside the field it concerns."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else default_field, errors)
    else:
        form.add_error(default_field, exc.messages)


def _page(
    request: HttpRequest,
    card: Scorecard,
    kind: str,
    record: CheckRecord | None,
    *,
    form: CheckRecordForm | None = None,
    written: Any = None,
    written_error: str = "",
    status: int = 200,
) -> HttpResponse:
    can_record = abilities.can(request.user, "check.record", record or CheckRecord(scorecard=card, kind=kind))
    if form is None:
        initial = CheckRecordForm.initial_for(record, list(card.methods), timezone.localdate(), request.user)
        form = CheckRecordForm(initial=initial, branch=card.branch, kind=kind)
    if not can_record:
        for field in form.fields.values():
            field.disabled = True
    if written is None and record is not None:
        initial_rows = [{"person_name": s.person_name, "score": s.score} for s in record.written_scores.all()]
        written = WrittenScoresFormSet(initial=initial_rows, prefix="written")
    entry = record.plan_entry if record is not None else plan_entry_for(card, kind)
    practices = list(record.good_practices.select_related("proposal")) if record else []
    context = {
        "card": card,
        "kind": kind,
        "kind_label": PlanKind(kind).label,
        "record": record,
        "form": form,
        "written": written,
        "written_error": written_error,
        "entry": entry,
        "can_record": can_record,
        "practices": [(p, abilities.can(request.user, "check.send_practice", p)) for p in practices],
        "difficulties": list(record.difficulties.select_related("answered_by")) if record else [],
        "practice_form": GoodPracticeForm(),
        "difficulty_form": DifficultyForm(),
        "team": list(record.team.order_by("full_name", "username")) if record else [],
    }
    return render(request, "assessments/check_record.html", context, status=status)


def _existing(card: Scorecard, kind: str) -> CheckRecord | None:
    return CheckRecord.objects.filter(scorecard=card, kind=kind).select_related("plan_entry__plan", "leader").first()


@login_required
def check_record(request: HttpRequest, pk: int, kind: str = PlanKind.QUARTERLY) -> HttpResponse:
    """The card's record of a check of ``kind``: a reviewer writes it; the committee reads it as
    it goes, the branch once the review is final."""
    if request.method == "POST":
        card = get_scorecard_for(request.user, pk, ability="scorecard.review")
        return _save_record(request, card, kind)
    card = get_scorecard_for(request.user, pk)
    record = _existing(card, kind)
    if record is not None:
        abilities.require(request.user, "check.view", record)
    else:
        abilities.require(request.user, "scorecard.read_review", card)
    return _page(request, card, kind, record)


def _save_record(request: HttpRequest, card: Scorecard, kind: str) -> HttpResponse:
    record = _existing(card, kind)
    form = CheckRecordForm(request.POST, branch=card.branch, kind=kind)
    if form.is_valid():
        data = form.cleaned_data
        try:
            record = services.check_record_save(
                scorecard=card,
                kind=kind,
                by=request.user,
                leader_id=data["leader"].pk,
                team_ids=[u.pk for u in data["team"]],
                started_on=data["started_on"],
                ended_on=data["ended_on"],
                methods=data["methods"],
                notes={f: data[f] for f in services.NOTE_FIELDS},
                year_end_score=data.get("year_end_score"),
                version=data.get("version") if record is not None else None,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The check record is saved."))
            return _to_record(record)
    return _page(request, card, kind, record, form=form, status=400)


def _record_for_write(request: HttpRequest, pk: int) -> CheckRecord:
    return get_check_record_for(request.user, pk, ability="check.record")


@login_required
@require_POST
def written_scores(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record_for_write(request, pk)
    written = WrittenScoresFormSet(request.POST, prefix="written")
    error = ""
    if written.is_valid():
        rows = [
            services.WrittenRow(person_name=row["person_name"], score=row["score"])
            for row in written.cleaned_data
            if row and (row.get("person_name") or "").strip()
        ]
        try:
            services.written_scores_save(record=record, by=request.user, rows=rows)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The written-test scores are saved."))
            return _to_record(record)
    else:
        error = " ".join(written.non_form_errors()) or _("Correct the scores marked below.")
    return _page(request, record.scorecard, record.kind, record, written=written, written_error=error, status=400)


@login_required
@require_POST
def practice_add(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record_for_write(request, pk)
    form = GoodPracticeForm(request.POST)

    def add() -> None:
        if not form.is_valid():
            raise ValidationError(" ".join(m for errors in form.errors.values() for m in errors))
        services.good_practice_add(record=record, by=request.user, **form.cleaned_data)

    run_with_message(request, add, _("Good practice recorded."))
    return _to_record(record)


@login_required
@require_POST
def practice_send(request: HttpRequest, pk: int, practice_pk: int) -> HttpResponse:
    record = get_check_record_for(request.user, pk, ability="check.send_practice")
    practice = get_object_or_404(GoodPractice, pk=practice_pk, record=record)
    run_with_message(
        request,
        lambda: services.good_practice_send(practice=practice, by=request.user),
        _("Sent to the handbook as a proposal of a new article."),
    )
    return _to_record(record)


@login_required
@require_POST
def difficulty_add(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record_for_write(request, pk)
    form = DifficultyForm(request.POST)

    def add() -> None:
        if not form.is_valid():
            raise ValidationError(" ".join(m for errors in form.errors.values() for m in errors))
        services.difficulty_add(record=record, by=request.user, text=form.cleaned_data["text"])

    run_with_message(request, add, _("Difficulty recorded."))
    return _to_record(record)


@login_required
def difficulties(request: HttpRequest) -> HttpResponse:
    """困难和问题 the branches raised that the committee has not answered yet."""
    abilities.require(request.user, "difficulty.answer")
    rows = list(open_difficulties(request.user)[:200])
    return render(request, "assessments/difficulties.html", {"rows": rows})


@login_required
@require_POST
def difficulty_answer(request: HttpRequest, pk: int) -> HttpResponse:
    difficulties_qs = Difficulty.objects.select_related("record__scorecard__branch")
    difficulty = abilities.get_for(
        request.user, "difficulty.answer", difficulties_qs, pk, via="record__scorecard__branch__path"
    )
    form = AnswerForm(request.POST)

    def answer() -> None:
        if not form.is_valid():
            raise ValidationError(" ".join(m for errors in form.errors.values() for m in errors))
        services.difficulty_answer(difficulty=difficulty, by=request.user, answer=form.cleaned_data["answer"])

    return run_and_redirect(
        request, answer, _("Answered: the branch sees the answer on its scorecard."), "assessments:difficulties"
    )
