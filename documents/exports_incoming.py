"""The 收文登记簿 as an XLSX workbook (the page's and the API's export share it)."""

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import XLSX_CONTENT_TYPE, attachment_response, xlsx_bytes

from .models import IncomingDocument

# An export is one sheet of the filtered register; beyond this many rows, narrow the filters.
MAX_ROWS = 10000


def incoming_register_xlsx(rows: QuerySet[IncomingDocument]) -> HttpResponse:
    """The filtered, visible register (``rows`` come from ``selectors_incoming.incoming_register``)."""
    headers = [
        _("Registration number"),
        _("Title"),
        _("Sender"),
        _("Sender's number"),
        _("Received on"),
        _("Handle by"),
        _("Classification"),
        _("Urgency"),
        _("Status"),
        _("Instructing leader"),
        _("Lead department"),
        _("Registered by"),
    ]
    data = (
        [
            row.serial,
            row.title,
            row.sender_org,
            row.sender_number,
            row.received_on,
            row.due_on,
            row.get_classification_display(),
            row.get_urgency_display(),
            row.get_status_display(),
            row.leader.display_name if row.leader else "",
            row.lead_department.name if row.lead_department else "",
            row.registered_by.display_name,
        ]
        for row in rows[:MAX_ROWS]
    )
    workbook = xlsx_bytes(_("Incoming register"), headers, data)
    filename = _("incoming-register-%(date)s.xlsx") % {"date": timezone.localdate().isoformat()}
    return attachment_response(workbook, filename, XLSX_CONTENT_TYPE)
