"""File sizes in messages, precise enough to tell apart.

"The file is 10.0 MB; the limit is 10.0 MB" for a file one byte over the limit reads like a
bug: the sizes are shown with one decimal, then two, then — if they still look the same — in
bytes.
"""

from django.utils.translation import gettext as _

MB = 1024 * 1024


def sizes_apart(size: int, limit: int) -> tuple[str, str]:
    """``size`` and ``limit`` as text that shows them different whenever they are."""
    for places in (1, 2):
        shown = (f"{size / MB:.{places}f} MB", f"{limit / MB:.{places}f} MB")
        if shown[0] != shown[1] or size == limit:
            return shown
    return _("%(n)s bytes") % {"n": f"{size:,}"}, _("%(n)s bytes") % {"n": f"{limit:,}"}
