"""Role × URL table of the members app (see tests/url_table.py)."""

from django.core.files.base import ContentFile

from members.models import ImportStatus, MemberImport
from tests.factories import MemberFactory
from tests.url_table import Case, from_ability, statuses

# The roster of branch A: a plain member of A gets 403, not 404 (A is in their scope).
ROSTER_OF_A = statuses(200, secretary_b=404, outsider=404, member=403)
# Import into A: administrators and A's own secretary.
IMPORT_INTO_A = statuses(403, administrator=200, secretary_a=200, secretary_b=404, outsider=404)


def _member_in_a(world: object) -> dict[str, int]:
    return {"pk": MemberFactory(branch=world.branch_a).pk}


def _import_in_a(world: object, status: str = ImportStatus.INVALID) -> dict[str, int]:
    row = MemberImport(organisation=world.branch_a, created_by=world.administrator, original_name="a.xlsx")
    row.status = status
    row.file.save("a.xlsx", ContentFile(b"PK"), save=False)
    row.save()
    return {"pk": row.pk}


URLS = {
    "members:roster": Case(statuses(200, member=403, outsider=403)),
    "members:org_roster": Case(ROSTER_OF_A, kwargs=lambda w: {"pk": w.branch_a.pk}),
    "members:detail": Case(from_ability("member.view"), kwargs=_member_in_a),
    "members:edit": Case(from_ability("member.edit"), kwargs=_member_in_a),
    "members:transfer": Case(from_ability("member.administer"), kwargs=_member_in_a),
    "members:create": Case(from_ability("member.administer"), kwargs=lambda w: {"pk": w.branch_a.pk}),
    "members:transfer_all": Case(from_ability("member.administer"), kwargs=lambda w: {"pk": w.branch_a.pk}),
    "members:export": Case(from_ability("member.administer"), kwargs=lambda w: {"pk": w.branch_a.pk}),
    "members:import_start": Case(from_ability("member.import"), kwargs=lambda w: {"pk": w.branch_a.pk}),
    "members:import_template": Case(statuses(403, administrator=200, secretary_a=200, secretary_b=200)),
    "members:import_detail": Case(IMPORT_INTO_A, kwargs=_import_in_a),
    "members:import_progress": Case(IMPORT_INTO_A, kwargs=_import_in_a),
    # Committing an import with bad rows is refused with a message: back to its page.
    "members:import_commit": Case(
        statuses(403, administrator=302, secretary_a=302, secretary_b=404, outsider=404),
        kwargs=_import_in_a,
        method="post",
    ),
}
