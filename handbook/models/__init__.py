"""The handbook's models: the standard itself (定标), change proposals (优标) and learning (明标)."""

from .learning import DemonstrationBranch, StudyFocus, TrainingAttendance, TrainingSession
from .proposals import ChangeProposal, ProposalField, ProposalStatus
from .standard import (
    QUARTER_NAMES,
    Article,
    Deduction,
    DueKind,
    Edition,
    EditionStatus,
    Frequency,
    Line,
    Part,
    WhoRole,
    clean_quarters,
    default_quarters,
    due_rule_errors,
)

__all__ = [
    "QUARTER_NAMES",
    "Article",
    "ChangeProposal",
    "Deduction",
    "DemonstrationBranch",
    "DueKind",
    "Edition",
    "EditionStatus",
    "Frequency",
    "Line",
    "Part",
    "ProposalField",
    "ProposalStatus",
    "StudyFocus",
    "TrainingAttendance",
    "TrainingSession",
    "WhoRole",
    "clean_quarters",
    "default_quarters",
    "due_rule_errors",
]
