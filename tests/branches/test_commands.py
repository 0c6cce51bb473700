import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from assessments.models import Scorecard
from branches import housekeeping
from branches.models import Organisation, PeriodicJobRun, Role, RoleAssignment, User
from tasks.models import Task
from tests.conftest import World


def test_grant_role_gives_a_user_a_role_over_an_organisation(world: World) -> None:
    out = StringIO()
    call_command("grant_role", "outsider", "reviewer", "G", stdout=out)
    assert RoleAssignment.objects.filter(user=world.outsider, role=Role.REVIEWER, organisation=world.general).exists()
    assert "outsider" in out.getvalue()


def test_grant_role_refuses_an_unknown_user_or_organisation(world: World) -> None:
    with pytest.raises(CommandError, match="No user"):
        call_command("grant_role", "nobody", "reviewer", "G")
    with pytest.raises(CommandError, match="No organisation"):
        call_command("grant_role", "outsider", "reviewer", "NOPE")
    assert not world.outsider.role_assignments.exists()


def test_seed_demo_can_run_twice_and_prints_the_logins(db: None) -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=StringIO())
    assert Organisation.objects.filter(code="DEMO").count() == 1
    assert User.objects.get(username="secretary").check_password("Demo@2026")
    for username in ["admin", "reviewer", "secretary", "member"]:
        assert username in out.getvalue()
    # The apps' demos ran too: the demo branches have work and scorecards.
    assert Task.objects.filter(branch__code__startswith="DEMO-").exists()
    assert Scorecard.objects.filter(branch__code__startswith="DEMO-", status="final").exists()


def test_the_cron_fallback_runs_a_due_job_once(db: None, settings) -> None:
    # Only the foundation's job: other apps add their own entries to the schedule.
    settings.CELERY_BEAT_SCHEDULE = {"purge-expired-sessions": settings.CELERY_BEAT_SCHEDULE["purge-expired-sessions"]}
    # Midday, far from the 03:30 run: with the wall clock, a run at 03:25 saw the job due again
    # five minutes later.
    now = timezone.make_aware(dt.datetime(2026, 11, 30, 12, 0))
    assert housekeeping.run_due_jobs(now) == ["purge-expired-sessions"]
    assert housekeeping.run_due_jobs(now + dt.timedelta(minutes=5)) == []
    # The next day, after 03:30 Asia/Shanghai, the job is due again.
    assert housekeeping.run_due_jobs(now + dt.timedelta(days=1, hours=1)) == ["purge-expired-sessions"]
    assert PeriodicJobRun.objects.count() == 1


def test_a_second_runner_with_a_stale_view_does_not_run_the_job_again(db: None) -> None:
    now = timezone.now()
    assert housekeeping._claim("purge-expired-sessions", None, now)
    assert not housekeeping._claim("purge-expired-sessions", None, now)
    assert housekeeping._claim("purge-expired-sessions", now, now + dt.timedelta(days=1))
    assert not housekeeping._claim("purge-expired-sessions", now, now + dt.timedelta(days=1))
