"""A rectification item's owner becomes a user; the free-text name is kept in ``owner_name``.

Existing names are matched to users by full name or username, preferring users who hold a role
in the item's branch subtree; a name that matches no one (or several people) leaves the owner
empty and only the name, so nothing is lost.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Q


def _match(User, RoleAssignment, item):
    name = item.owner_name.strip()
    if not name:
        return None
    named = User.objects.filter(Q(full_name=name) | Q(username=name))
    in_branch = named.filter(
        pk__in=RoleAssignment.objects.filter(organisation__path__startswith=item.branch.path).values("user_id")
    ).distinct()
    for candidates in (in_branch, named):
        found = list(candidates[:2])
        if len(found) == 1:
            return found[0]
    return None


def names_to_users(apps, schema_editor):
    Item = apps.get_model("assessments", "RectificationItem")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    RoleAssignment = apps.get_model("branches", "RoleAssignment")
    for item in Item.objects.select_related("branch").exclude(owner_name="").iterator():
        user = _match(User, RoleAssignment, item)
        if user is not None:
            Item.objects.filter(pk=item.pk).update(owner=user)


def users_to_names(apps, schema_editor):
    Item = apps.get_model("assessments", "RectificationItem")
    for item in Item.objects.filter(owner_name="", owner__isnull=False).select_related("owner").iterator():
        Item.objects.filter(pk=item.pk).update(owner_name=(item.owner.full_name or item.owner.username)[:50])


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_evidence_files"),
        ("branches", "0004_merge_0003_api_token_0003_audit_event"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="rectificationitem", old_name="owner", new_name="owner_name"),
        migrations.AlterField(
            model_name="rectificationitem",
            name="owner_name",
            field=models.CharField(blank=True, max_length=50, verbose_name="owner"),
        ),
        migrations.AddField(
            model_name="rectificationitem",
            name="owner",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="rectification_items",
                to=settings.AUTH_USER_MODEL,
                verbose_name="owner",
            ),
        ),
        migrations.RunPython(names_to_users, users_to_names),
    ]
