"""Counts the tasks already stored into the new tallies (``manage.py rebuild_task_tallies``
does the same later, idempotently)."""

from django.db import migrations


def count(apps, schema_editor):
    from tasks.tallies import tally_rebuild

    models = (
        apps.get_model("branches", "Organisation"),
        apps.get_model("tasks", "Task"),
        apps.get_model("tasks", "TaskTally"),
    )
    tally_rebuild(models=models)


class Migration(migrations.Migration):
    dependencies = [("tasks", "0006_task_tallies")]

    operations = [migrations.RunPython(count, migrations.RunPython.noop)]
