"""The assessments app's models: 对标 scorecards, 核标 reviews, 优标 rectification."""

from .checks import CheckRecord, Difficulty, GoodPractice, WrittenTestScore
from .evidence import EvidenceFile
from .feedback import FeedbackNumber
from .findings import Finding, Severity
from .plans import AssessmentPlan, EntryReason, PlanEntry, PlanKind, UpgradeGrading, UpgradePlan, UpgradeTarget
from .rectification import RectificationEvidence, RectificationItem, RectificationStatus
from .scorecards import (
    Grade,
    LineDeduction,
    Method,
    Scorecard,
    ScorecardLine,
    ScorecardLocked,
    ScorecardStatus,
    ScoreChange,
    Side,
    grade_label,
)

__all__ = [
    "AssessmentPlan",
    "CheckRecord",
    "Difficulty",
    "EntryReason",
    "EvidenceFile",
    "FeedbackNumber",
    "Finding",
    "GoodPractice",
    "Grade",
    "LineDeduction",
    "Method",
    "PlanEntry",
    "PlanKind",
    "RectificationEvidence",
    "RectificationItem",
    "RectificationStatus",
    "ScoreChange",
    "Scorecard",
    "ScorecardLine",
    "ScorecardLocked",
    "ScorecardStatus",
    "Severity",
    "Side",
    "UpgradeGrading",
    "UpgradePlan",
    "UpgradeTarget",
    "WrittenTestScore",
    "grade_label",
]
