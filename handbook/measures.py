"""Measures a deduction rule may name: what the ledgers and tasks of a quarter say about it.

A rule with a measure gets a *suggested count* on every scorecard (computed by
``assessments.measures``); the branch accepts it or overrides it with a reason. This module
holds only the codes and the check of their parameters, so that the handbook (its model, its
exchange format) knows them without importing the assessments app.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

# The meeting kinds (meetings.kinds.MeetingKind values), spelt out here: the handbook app
# does not import the meetings app.
MEETING_KINDS = ("committee", "general", "group", "lecture", "theme_day", "org_life", "appraisal", "talk")
PERIODS = ("quarter", "half", "year")


class MeasureCode(models.TextChoices):
    MEETINGS_SHORT = "meetings_short", _lazy("Meetings held below the required number")
    ATTENDANCE_LOW = "attendance_low", _lazy("Meetings with attendance below the threshold")
    ABSENT_NO_MAKEUP = "absent_no_makeup", _lazy("Absentees without make-up study")
    MEETINGS_UNSIGNED = "meetings_unsigned", _lazy("Meetings without a host or a sign-in sheet")
    TALKS_UNCOVERED = "talks_uncovered", _lazy("Members without a heart-to-heart talk")
    RESOLUTIONS_OVERDUE = "resolutions_overdue", _lazy("Open resolutions past due")
    DUES_UNPAID = "dues_unpaid", _lazy("Member-months of dues not paid in full")
    TASKS_LATE = "tasks_late", _lazy("Required tasks not done by their due date")


def _kinds(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(k in MEETING_KINDS for k in value)


def measure_errors(code: str, params: Any) -> list[str]:
    """What is wrong with a measure and its parameters (empty list: nothing).

    - ``meetings_short``: ``{"required": {"committee": 3}, "per": "quarter"}`` — the number of
      meetings of each kind the period requires (``per``: quarter, half or year; default quarter);
    - ``attendance_low``: ``{"kinds": [...], "threshold": 90, "unless_made_up": false}``;
    - ``absent_no_makeup`` and ``meetings_unsigned``: ``{"kinds": [...]}``;
    - ``talks_uncovered``: ``{"per": "half"}``; ``resolutions_overdue``, ``dues_unpaid`` and
      ``tasks_late``: no parameters.
    """
    if not code:
        return [] if not params else [_("Parameters are given without a measure.")]
    if code not in MeasureCode.values:
        return [_("Unknown measure “%(code)s”.") % {"code": code}]
    if not isinstance(params, dict):
        return [_("The measure's parameters must be an object.")]
    errors: list[str] = []
    per = params.get("per", "quarter")
    if per not in PERIODS:
        errors.append(_("“per” must be one of %(choices)s.") % {"choices": ", ".join(PERIODS)})
    if code == MeasureCode.MEETINGS_SHORT:
        required = params.get("required")
        if (
            not isinstance(required, dict)
            or not required
            or any(k not in MEETING_KINDS for k in required)
            or any(isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 99 for n in required.values())
        ):
            errors.append(_("“required” must name meeting kinds, each with a number from 1 to 99."))
    listed = (MeasureCode.ATTENDANCE_LOW, MeasureCode.ABSENT_NO_MAKEUP, MeasureCode.MEETINGS_UNSIGNED)
    if code in listed and not _kinds(params.get("kinds")):
        errors.append(_("“kinds” must list meeting kinds."))
    if code == MeasureCode.ATTENDANCE_LOW:
        threshold = params.get("threshold", 90)
        if isinstance(threshold, bool) or not isinstance(threshold, int) or not 1 <= threshold <= 100:
            errors.append(_("“threshold” must be a whole per cent from 1 to 100."))
    known = {"per", "required", "kinds", "threshold", "unless_made_up"}
    unknown = sorted(set(params) - known)
    if unknown:
        errors.append(_("Unknown measure parameters: %(names)s.") % {"names": ", ".join(unknown)})
    return errors
