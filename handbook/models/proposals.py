"""优标: reviewers and secretaries propose changes to an article; administrators decide."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .standard import Article, Edition


class ProposalField(models.TextChoices):
    TITLE = "title", _("Title")
    WHAT = "what", _("What to do")
    WHO = "who", _("Who does it")
    HOW = "how", _("How to do it")
    WHEN = "when", _("When")
    STANDARD = "standard", _("Standard")
    EVIDENCE = "evidence", _("Evidence / ledger")
    EXAMPLE = "example", _("Example or template")
    MAX_SCORE = "max_score", _("Max score")
    DEDUCTIONS = "deductions", _("Deduction rules")
    OTHER = "other", _("Other")
    # Good practice seen at a branch, proposed as an article of its own (充实到《手册》中).
    NEW_ARTICLE = "new_article", _("A new article")


# Fields whose proposed text can be written into a draft as it stands; the others are
# accepted as a note and edited by hand, because they need structure (numbers, rules).
TEXT_FIELDS = frozenset(
    {
        ProposalField.TITLE,
        ProposalField.WHAT,
        ProposalField.WHO,
        ProposalField.HOW,
        ProposalField.WHEN,
        ProposalField.STANDARD,
        ProposalField.EVIDENCE,
        ProposalField.EXAMPLE,
    }
)


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class ChangeProposal(models.Model):
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        help_text=_("Empty when a new article is proposed."),
    )
    field = models.CharField(_("what to change"), max_length=12, choices=ProposalField.choices)
    proposed_text = models.TextField(_("proposed text"))
    reason = models.TextField(_("reason"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN)
    reply = models.TextField(_("reply"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    accepted_into = models.ForeignKey(
        Edition, verbose_name=_("accepted into"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("change proposal")
        verbose_name_plural = _("change proposals")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(field="new_article", article__isnull=True)
                | (~models.Q(field="new_article") & models.Q(article__isnull=False)),
                name="handbook_proposal_article_unless_new",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article.code if self.article else '+'} · {self.get_field_display()}"
