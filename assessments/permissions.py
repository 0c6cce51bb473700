"""Who may do what with scorecards (对标自查 / 核标), findings, rectification and plans.

The abilities on a scorecard are also asked of its branch (``unit_for(user, pk,
"scorecard.open")``): a row's roles are held over an organisation, whatever the object.
"""

from django.utils.translation import gettext_lazy as _

from branches.abilities import define, organisation_of
from branches.models import BRANCH_OFFICERS, Organisation, Role

from .models import (
    AssessmentPlan,
    CheckRecord,
    Difficulty,
    Finding,
    GoodPractice,
    RectificationItem,
    RectificationStatus,
    Scorecard,
    UpgradePlan,
)

organisation_of(Scorecard, lambda card: card.branch)
organisation_of(RectificationItem, lambda item: item.branch)
organisation_of(Finding, lambda finding: finding.scorecard.branch)
organisation_of(UpgradePlan, lambda plan: plan.branch)
organisation_of(AssessmentPlan, lambda plan: plan.organisation)
organisation_of(CheckRecord, lambda record: record.scorecard.branch)
organisation_of(GoodPractice, lambda practice: practice.record.scorecard.branch)
organisation_of(Difficulty, lambda difficulty: difficulty.record.scorecard.branch)

VIEWERS = (Role.ADMINISTRATOR, Role.REVIEWER, Role.SECRETARY)
SELF = (Role.SECRETARY,)
REVIEWERS = (Role.REVIEWER,)
COMMITTEE = (Role.REVIEWER, Role.ADMINISTRATOR)

define("scorecard.view", VIEWERS, on=Scorecard, label=_("See the scorecard"))
# The branch's side: open the quarter's card, fill its lines, upload evidence, submit, read
# and acknowledge the feedback sheet.
define("scorecard.fill", SELF, on=Scorecard, label=_("Fill in and submit"))
# The committee's side: review, return, finalise, findings.
define("scorecard.review", REVIEWERS, on=Scorecard, label=_("Review"))
define("scorecard.read_review", COMMITTEE, on=Scorecard, label=_("Read the review"))
# Who sees the reviewer's scores: the committee always, the branch once the review is final.
define(
    "scorecard.see_review",
    {
        Role.ADMINISTRATOR: None,
        Role.REVIEWER: None,
        Role.SECRETARY: lambda user, card: isinstance(card, Scorecard) and card.is_final,
    },
    on=Scorecard,
    label=_("See the reviewer's scores"),
)
define("dashboard.view", COMMITTEE, on=AssessmentPlan, label=_("Open the dashboard"))
define("plan.create", REVIEWERS, on=AssessmentPlan, label=_("Make an assessment plan"))

define("finding.view", VIEWERS, on=Finding, label=_("See the finding"))
define("finding.write", REVIEWERS, on=Finding, label=_("Write findings"))

define("rectification.view", VIEWERS, on=RectificationItem, label=_("See the rectification item"))
define(
    "rectification.report",
    SELF,
    on=RectificationItem,
    when=lambda item: item.status == RectificationStatus.OPEN,
    refused=_("Only an open item can be reported as done."),
    label=_("Report the rectification"),
)
define(
    "rectification.verify",
    REVIEWERS,
    on=RectificationItem,
    when=lambda item: item.status == RectificationStatus.DONE,
    refused=_("Only an item reported as done can be verified."),
    label=_("Verify the rectification"),
)
define(
    "rectification.assign",
    (*REVIEWERS, *SELF),
    on=RectificationItem,
    when=lambda item: item.status != RectificationStatus.CLOSED,
    refused=_("A closed item cannot be reassigned."),
    label=_("Give the item an owner"),
)
# Who may own an item: the branch's people (its secretary, officers and members).
define(
    "rectification.own",
    (Role.SECRETARY, Role.MEMBER, *sorted(BRANCH_OFFICERS)),
    on=RectificationItem,
    label=_("Own a rectification item"),
)

# A new item is the branch secretary's until someone else is named.
define("rectification.first_owner", (Role.SECRETARY,), on=Organisation, label=_("Own new rectification items"))
define("upgrade.view", VIEWERS, on=UpgradePlan, label=_("See the upgrade plan"))
define(
    "upgrade.edit",
    (*SELF, *REVIEWERS),
    on=UpgradePlan,
    when=lambda plan: plan.is_open,
    refused=_("This upgrade plan is closed: the branch has been graded again."),
    label=_("Edit the upgrade plan"),
)

# 检查记录: the committee reads the record of a check as it goes, the branch once the review
# is final (it is on the feedback sheet); reviewers write it until the review is final.
define(
    "check.view",
    {
        Role.ADMINISTRATOR: None,
        Role.REVIEWER: None,
        Role.SECRETARY: lambda user, record: isinstance(record, CheckRecord) and record.scorecard.is_final,
    },
    on=CheckRecord,
    label=_("See the check record"),
)
define(
    "check.record",
    REVIEWERS,
    on=CheckRecord,
    when=lambda record: not record.scorecard.is_final,
    refused=_("The review is final: its check record can no longer be changed."),
    label=_("Record the check"),
)
# 优标: a good practice found in a check goes to the handbook as a proposal, once.
define(
    "check.send_practice",
    REVIEWERS,
    on=GoodPractice,
    when=lambda practice: not practice.is_sent,
    refused=_("This good practice has already been sent to the handbook."),
    label=_("Send a good practice to the handbook"),
)
# 困难和问题: the committee answers what the branch raised; the branch reads the answer.
define(
    "difficulty.view",
    VIEWERS,
    on=Difficulty,
    label=_("See the branch's difficulties"),
)
define(
    "difficulty.answer",
    COMMITTEE,
    on=Difficulty,
    when=lambda difficulty: difficulty.is_open,
    refused=_("This difficulty has already been answered."),
    label=_("Answer a difficulty"),
)
