"""Who may do what with the development files (发展党员).

The secretary and the organising member (组织委员) keep their branch's files; the committee's
reviewers and administrators read the subtree's; a plain member sees nothing of anyone's."""

from django.utils.translation import gettext_lazy as _

from branches.abilities import define, organisation_of
from branches.models import Organisation, Role

from .models import Candidate, Step

organisation_of(Candidate, lambda candidate: candidate.branch)
organisation_of(Step, lambda step: step.candidate.branch)

KEEPERS = (Role.SECRETARY, Role.ORGANIZING_MEMBER)
READERS = (Role.ADMINISTRATOR, Role.REVIEWER, *KEEPERS)

define("development.list", READERS, on=Organisation, label=_("See the development files"))
define("development.view", READERS, on=Candidate, label=_("Read a development file"))
define("development.open", KEEPERS, on=Organisation, label=_("Open a development file"))
define(
    "development.keep",
    KEEPERS,
    on=Candidate,
    when=lambda candidate: candidate.is_open,
    refused=_("This development file is closed."),
    label=_("Record a development step"),
)
