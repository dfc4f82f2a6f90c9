"""Storing and serving attachments safely: content-sniffed type, size limit, permission-checked serving."""

import codecs
import mimetypes
import re
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

import filetype
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from .errors import DomainError, ValidationError
from .models import Attachment

# What an office shares: PDF/OFD, Office files, images, plain text, zip archives.
ALLOWED_TYPES = {
    "application/pdf",
    "application/zip",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/x-ole-storage",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "image/png",
    "image/jpeg",
    "image/gif",
    "text/plain",
}


class TooLarge(DomainError):
    status_code = 413
    default_code = "too_large"


def max_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))


# How many files one request may carry, on the pages and in the API alike.
MAX_FILES_PER_REQUEST = 20

_HEAD = 8192
_CHUNK = 64 * 1024
# A C0 control other than tab, line feed, vertical tab, form feed and carriage return, or DEL,
# means binary content.
_BINARY = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
# A line that starts a program: a script's interpreter line or PHP's opening tag.
_PROGRAM_LINE = re.compile(r"\n[ \t]*(?:#!\s*/|<\?php)", re.IGNORECASE)


def files_count_error(count: int) -> str | None:
    """The message when a request carries more files than allowed, else None (forms and API)."""
    if count > MAX_FILES_PER_REQUEST:
        return _("Attach at most %(max)d files at a time.") % {"max": MAX_FILES_PER_REQUEST}
    return None


def _is_plain_text(upload: UploadedFile) -> bool:
    """Whether the whole file is UTF-8 text with no binary bytes and no program in it.

    The file is decoded in chunks with an incremental decoder, so a character split by a chunk
    boundary is joined rather than refused; and every part is looked at, the tail included, so a
    program appended to some text (an executable's bytes or a script) does not pass as text.
    """
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    carry = "\n"  # so that a program line at the very start is found like any other
    upload.seek(0)
    try:
        for chunk in upload.chunks(_CHUNK):
            text = decoder.decode(chunk)
            if _BINARY.search(text):
                return False
            # Carry the end of the last chunk over, so a "#!/" split by the boundary is still seen.
            window = carry + text
            if _PROGRAM_LINE.search(window):
                return False
            carry = window[-16:]
        decoder.decode(b"", final=True)  # a truncated character at the very end is an error
    except UnicodeDecodeError:
        return False
    finally:
        upload.seek(0)
    return True


def sniff_type(upload: UploadedFile) -> str | None:
    """The type the content says it is, or None when it is not one we accept."""
    upload.seek(0)
    head = upload.read(_HEAD)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is not None:
        mime = str(kind.mime)
        # Office Open XML files are zip containers; trust the extension only among those.
        if mime == "application/zip":
            guessed, _enc = mimetypes.guess_type(upload.name or "")
            if guessed in ALLOWED_TYPES and guessed and "openxmlformats" in guessed:
                return guessed
        return mime if mime in ALLOWED_TYPES else None
    return "text/plain" if _is_plain_text(upload) else None


def attachment_store(*, owner: models.Model, upload: UploadedFile, uploaded_by: Any) -> Attachment:
    """Check and store one upload for ``owner``; call inside the owner's service transaction."""
    if upload.size is not None and upload.size > max_bytes():
        raise TooLarge(
            _("%(name)s is larger than %(mb)d MB.") % {"name": upload.name, "mb": max_bytes() // (1024 * 1024)},
            fields={"file": [_("The file is too large.")]},
        )
    content_type = sniff_type(upload)
    if content_type is None:
        raise ValidationError(
            _("%(name)s is not an accepted kind of file (PDF, Office, image, text or zip).") % {"name": upload.name},
            fields={"file": [_("This kind of file is not accepted.")]},
        )
    attachment = Attachment(
        owner_type=ContentType.objects.get_for_model(owner),
        owner_id=owner.pk,
        original_name=PurePath(upload.name or "file").name[:255],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=uploaded_by if getattr(uploaded_by, "is_authenticated", False) else None,
    )
    attachment.file.save("upload", upload, save=False)
    attachment.save()
    return attachment


def attachments_of(owner: models.Model) -> models.QuerySet[Attachment]:
    return Attachment.objects.filter(owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk)


def attachment_response(attachment: Attachment) -> HttpResponseBase:
    """Serve a file whose owner the caller has already checked the person may see.

    With ``ATTACHMENT_ACCEL_REDIRECT`` set (behind nginx), the answer carries no body: nginx sends
    the file from its ``internal`` location, which no client can request directly.
    """
    prefix = getattr(settings, "ATTACHMENT_ACCEL_REDIRECT", "")
    response: HttpResponseBase
    if prefix:
        response = HttpResponse(content_type=attachment.content_type)
        response["Content-Disposition"] = content_disposition_header(True, attachment.original_name) or "attachment"
        # The stored name is server-generated (core.models), never the uploader's.
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(attachment.file.name)
    else:
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
    response["X-Content-Type-Options"] = "nosniff"
    return response
