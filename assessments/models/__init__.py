"""The assessments app's models: 对标 scorecards, 核标 reviews, 优标 rectification."""

from .findings import Finding, Severity
from .rectification import RectificationItem, RectificationStatus
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
)

__all__ = [
    "Finding",
    "Grade",
    "LineDeduction",
    "Method",
    "RectificationItem",
    "RectificationStatus",
    "ScoreChange",
    "Scorecard",
    "ScorecardLine",
    "ScorecardLocked",
    "ScorecardStatus",
    "Severity",
    "Side",
]
