"""Imports and exports leave a line in the audit log, whoever made them and however."""

from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from branches.audit import Action
from branches.models import AuditEvent
from members.models import MemberImport
from tests.conftest import World
from tests.members.test_import_flow import good_rows, upload, xlsx


def test_a_roster_export_is_recorded_with_its_organisation(world: World, as_role) -> None:
    as_role("administrator").get(reverse("members:export", kwargs={"pk": world.branch_a.pk}))
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert (event.actor, event.organisation, event.target) == (world.administrator, world.branch_a, "members roster")


def test_a_committed_roster_import_is_recorded_with_its_counts(
    world: World, as_role, django_capture_on_commit_callbacks
) -> None:
    client = as_role("administrator")
    upload(client, world.committee, xlsx(good_rows()), django_capture_on_commit_callbacks)
    imp = MemberImport.objects.get()
    assert not AuditEvent.objects.filter(action=Action.IMPORT).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("members:import_commit", kwargs={"pk": imp.pk}))
    event = AuditEvent.objects.get(action=Action.IMPORT)
    assert (event.actor, event.organisation, event.detail) == (
        world.administrator,
        world.committee,
        {"new": 2, "updated": 0},
    )


def test_a_handbook_export_and_import_are_recorded(default_edition, world: World, as_role, tmp_path) -> None:
    as_role("reviewer").get(reverse("handbook:edition_export", kwargs={"pk": default_edition.pk, "fmt": "json"}))
    assert AuditEvent.objects.get(action=Action.EXPORT).actor == world.reviewer
    path = tmp_path / "handbook.json"
    call_command("export_handbook", "--format", "json", "--output", str(path), stdout=StringIO())
    call_command("import_handbook", str(path), "--as-version", "2027", stdout=StringIO())
    assert AuditEvent.objects.filter(action=Action.IMPORT, target="handbook 2027").count() == 1


def test_a_reminder_sheet_download_is_recorded(default_edition, world: World, as_role) -> None:
    import datetime as dt

    from tasks.models import ReminderSheet, SheetKind
    from tasks.services import reminders_send

    reminders_send(kind=SheetKind.MONTHLY, on=dt.date(2026, 11, 1))
    sheet = ReminderSheet.objects.get(branch=world.branch_a)
    as_role("secretary_a").get(reverse("tasks:sheet_xlsx", args=[sheet.pk]))
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert (event.actor, event.organisation, event.detail) == (world.secretary_a, world.branch_a, {"format": "xlsx"})


def test_a_scorecards_submission_and_final_review_are_recorded(world: World) -> None:
    from tests.factories import UserFactory, final_scorecard, make_edition

    make_edition(version="T1")
    boss = UserFactory(username="boss", is_superuser=True)
    final_scorecard(world.branch_a, year=2026, quarter=3, by=boss, deductions=1)
    submitted = AuditEvent.objects.get(action=Action.SUBMISSION)
    reviewed = AuditEvent.objects.get(action=Action.REVIEW)
    assert (submitted.organisation, submitted.target, submitted.actor) == (world.branch_a, "scorecard 2026Q3", boss)
    assert reviewed.detail["grade"] and reviewed.organisation == world.branch_a
