"""Which files count as evidence — for a task and for a scorecard line alike: known office and
image types, checked by name *and* by their first bytes, no larger than
``settings.UPLOAD_MAX_BYTES``. Nothing that a browser or a server would run gets through."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

ZIP = b"PK\x03\x04"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the older Word and Excel files
# extension → (content type, accepted leading bytes)
ALLOWED: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "doc": ("application/msword", (OLE2,)),
    "xls": ("application/vnd.ms-excel", (OLE2,)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (ZIP,)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (ZIP,)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (ZIP,)),
}
MAX_FILES = 10
KINDS = "PDF, JPG, PNG, DOC, DOCX, XLS, XLSX, PPTX"
# For the file input's ``accept``: the browser offers only these.
ACCEPT = ",".join(f".{extension}" for extension in ALLOWED)


def checked_type(upload: UploadedFile) -> str:
    """The content type to store and serve the file with; ValidationError when refused."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED:
        message = _("%(name)s: only these kinds of file are accepted as evidence: %(kinds)s.")
        raise ValidationError(message % {"name": name, "kinds": KINDS})
    if upload.size is None or upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is larger than %(mb)d MB.") % {"name": name, "mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    content_type, signatures = ALLOWED[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in signatures):
        raise ValidationError(_("%(name)s is not really a %(ext)s file.") % {"name": name, "ext": extension.upper()})
    return content_type
