"""The organisation tree (党委 → 党总支 → 党支部 → 党小组), its users and their roles."""

import hashlib

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. Chinese names are one field, not first and last."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")  # 党委
    GENERAL_BRANCH = "general_branch", _("General branch")  # 党总支
    BRANCH = "branch", _("Branch")  # 党支部
    GROUP = "group", _("Party group")  # 党小组


# Which kinds may sit directly below which: a company committee may hold second-level
# committees, general branches or branches; a group sits only below a branch.
ALLOWED_CHILDREN: dict[str, set[str]] = {
    OrgKind.COMMITTEE: {OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH},
    OrgKind.GENERAL_BRANCH: {OrgKind.BRANCH},
    OrgKind.BRANCH: {OrgKind.GROUP},
    OrgKind.GROUP: set(),
}


class OrgStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DISSOLVED = "dissolved", _("Dissolved")


class Organisation(models.Model):
    """One node of the tree.

    ``path`` holds the primary keys from the root down, e.g. ``/1/4/9/``, so that a whole
    subtree is one ``path__startswith`` query whatever its depth.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    work_unit = models.CharField(_("work unit"), max_length=100, blank=True, help_text=_("e.g. a project department"))
    is_key = models.BooleanField(_("key unit"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=OrgStatus.choices, default=OrgStatus.ACTIVE)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    dissolution_reason = models.CharField(_("reason for dissolution"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="active", dissolved_on__isnull=True)
                | models.Q(status="dissolved", dissolved_on__isnull=False),
                name="org_dissolved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == OrgStatus.ACTIVE

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]

    def clean(self) -> None:
        if self.parent is None and self.kind != OrgKind.COMMITTEE:
            raise ValidationError({"parent": _("Only a Party committee can stand at the top of the tree.")})
        if self.parent is not None and self.kind not in ALLOWED_CHILDREN[self.parent.kind]:
            raise ValidationError(
                {
                    "kind": _("A %(child)s cannot be placed under a %(parent)s.")
                    % {"child": self.get_kind_display(), "parent": self.parent.get_kind_display()}
                }
            )
        if self.established_on and self.dissolved_on and self.dissolved_on < self.established_on:
            raise ValidationError({"dissolved_on": _("An organisation cannot be dissolved before it was established.")})


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    REVIEWER = "reviewer", _("Reviewer")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")
    # The branch committee's officers (支委) and, under 大政工, the union and league officers.
    # Their values are the handbook's ``who_role`` values, so an article's "谁来做" names the
    # role whose holder on a branch is given the article's tasks.
    ORGANIZING_MEMBER = "organizing_member", _("Organising member")  # 组织委员
    PROPAGANDA_MEMBER = "propaganda_member", _("Propaganda member")  # 宣传委员
    DISCIPLINE_MEMBER = "discipline_member", _("Discipline member")  # 纪检委员
    UNION_CHAIR = "union_chair", _("Trade union chair")  # 工会主席
    LEAGUE_SECRETARY = "league_secretary", _("League secretary")  # 团支部书记


# The officers of one branch: granted on a branch, they see its work and do their share.
BRANCH_OFFICERS = frozenset(
    {
        Role.ORGANIZING_MEMBER,
        Role.PROPAGANDA_MEMBER,
        Role.DISCIPLINE_MEMBER,
        Role.UNION_CHAIR,
        Role.LEAGUE_SECRETARY,
    }
)


class RoleAssignment(models.Model):
    """A role a user holds over an organisation and everything below it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="role_assignments")
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "organisation"], name="unique_role_assignment"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


class PeriodicJobRun(models.Model):
    """When each periodic job last ran under ``manage.py run_periodic_jobs`` (the cron
    fallback for installations without Celery beat)."""

    name = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_run_at:%Y-%m-%d %H:%M}"


class AuditEvent(models.Model):
    """One line of the audit log: who did what, to what, when and from where.

    Written by ``branches.audit.record`` from services (never from views), so that the
    HTML pages, the API and the jobs leave the same trace.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=40, db_index=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    # The organisation's path at the time, so that scoping still works if it moves later.
    organisation_path = models.CharField(max_length=255, blank=True, db_index=True)
    target = models.CharField(_("target"), max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.CharField(max_length=45, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target}"

    # The registry of labels lives with ``record`` in branches.audit, which imports this module.
    @property
    def action_label(self) -> str:
        from .audit import action_label

        return action_label(self.action)

    @property
    def target_label(self) -> str:
        from .audit import target_label

        return target_label(self.target)


class ApiToken(models.Model):
    """A bearer token for the REST API. Only a SHA-256 digest is stored: the token itself
    is shown once, when it is issued, and a copy of the database cannot be replayed."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters, kept in clear so that a user can tell their tokens apart.
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} · {self.prefix}…"

    @staticmethod
    def digest_of(raw: str) -> str:
        # A plain SHA-256 is enough: the token has 256 random bits, nothing to brute-force.
        return hashlib.sha256(raw.encode()).hexdigest()
