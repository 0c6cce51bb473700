"""A reminder sheet as plain text, for its e-mail.

Written in Python rather than a template: 2,000 sheets are mailed in one run, and the
template engine took ten times as long as the rest of the sending (bench/reminders.py).
"""

from django.utils.translation import gettext as _

from .models import ReminderSheet


def sheet_subject(sheet: ReminderSheet) -> str:
    return _("%(kind)s work reminder sheet %(period)s · %(branch)s") % {
        "kind": sheet.get_kind_display(),
        "period": sheet.period_key,
        "branch": sheet.branch.name,
    }


def sheet_body(sheet: ReminderSheet) -> str:
    out = [
        _("%(branch)s: %(kind)s work reminder sheet for %(start)s to %(end)s.")
        % {
            "branch": sheet.branch.name,
            "kind": sheet.get_kind_display(),
            "start": f"{sheet.period_start:%Y-%m-%d}",
            "end": f"{sheet.period_end:%Y-%m-%d}",
        },
        "",
    ]
    labels = (_("What"), _("Who"), _("When"), _("Standard"))
    due, overdue = sheet.due_lines, sheet.overdue_lines
    out.append(f"{_('Due in this period')} ({len(due)})")
    for line in due:
        code = f"[{line['code']}] " if line["code"] else ""
        out.append(f"- {line['due_on']} {code}{line['title']}")
        for label, key in zip(labels, ("what", "who", "when", "standard"), strict=True):
            if line[key]:
                out.append(f"  {label}: {line[key]}")
    if not due:
        out.append(_("Nothing is due."))
    out += ["", f"{_('Overdue')} ({len(overdue)})"]
    for line in overdue:
        code = f"[{line['code']}] " if line["code"] else ""
        out.append(f"- {line['due_on']} {code}{line['title']}")
    if not overdue:
        out.append(_("Nothing is overdue."))
    out += ["", _("The sheet can be downloaded as PDF or Excel from the branch's notifications.")]
    return "\n".join(out) + "\n"
