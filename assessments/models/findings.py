"""核标 findings: the problems the assessment team found, each against an article."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from handbook.models import Article

from .scorecards import Scorecard


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MAJOR = "major", _("Major")
    SERIOUS = "serious", _("Serious")


class Finding(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="findings")
    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.PROTECT, related_name="+")
    problem = models.TextField(_("problem found"), max_length=2000, validators=[MaxLengthValidator(2000)])
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.MINOR)
    suggestion = models.TextField(
        _("rectification suggestion"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)]
    )
    rectify_by = models.DateField(_("rectify by"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["scorecard", "article__code", "pk"]

    def __str__(self) -> str:
        return f"{self.article.code} {self.problem[:30]}"
