"""Pages of documents: reading packets (阅件) — the list, the office's compile form, the packet page
with the leader's remark form."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import is_office_member
from core.attachments import attachment_response
from core.errors import DomainError, PermissionDenied, ValidationError
from core.filters import parse_id
from workload.targets import target_ref

from .. import selectors_incoming as selectors
from ..filters_incoming import PacketFilter
from ..forms_incoming import MarkReadForm, PacketForm
from ..models import Document, IncomingDocument
from ..selectors import documents_visible, incoming_visible
from ..services import packets as services
from .incoming import attempt, check_the_form, status_of

PAGE_SIZE = 25
# The compile form offers the most recent documents and incoming documents the compiler may see.
OFFERED = 100


@require_GET
def packet_list(request: HttpRequest) -> HttpResponse:
    filters = PacketFilter(request.GET, queryset=selectors.packet_list(user=request.user), request=request)
    form = filters.form
    form.is_valid()
    rows, next_after = selectors.keyset_page(filters.qs, after=parse_id(request.GET.get("after")), size=PAGE_SIZE)
    kept = {k: v for k, v in request.GET.items() if k in form.fields and v}
    context = {
        "form": form,
        "rows": rows,
        "query": urlencode(kept),
        "next_query": urlencode({**kept, "after": next_after}) if next_after else None,
        "paged": "after" in request.GET,
        "office": is_office_member(request.user),
    }
    return render(request, "documents/packet_list.html", context)


def _choices(request: HttpRequest, chosen_documents: list[int], chosen_incomings: list[int]) -> dict[str, Any]:
    def offer(qs: Any, chosen: list[int], label: Any) -> list[tuple[int, str]]:
        rows = list(qs.order_by("-id")[:OFFERED])
        seen = {row.pk for row in rows}
        missing = [pk for pk in chosen if pk not in seen]
        if missing:
            rows += list(qs.filter(pk__in=missing))
        return [(row.pk, label(row)) for row in rows]

    return {
        "document_choices": offer(
            documents_visible(user=request.user).only("id", "title", "number"),
            chosen_documents,
            lambda d: f"{d.number} {d.title}".strip() if d.number else d.title,
        ),
        "incoming_choices": offer(
            incoming_visible(user=request.user).only("id", "title", "serial"),
            chosen_incomings,
            lambda i: f"{i.serial} {i.title}",
        ),
    }


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isascii() and v.isdigit() and 0 < int(v) < 2**63]


@require_http_methods(["GET", "POST"])
def packet_create(request: HttpRequest) -> HttpResponse:
    """The office compiles a packet; ``?documents=1&incomings=2`` preselects entries."""
    if not is_office_member(request.user):
        raise PermissionDenied(_("Reading packets are compiled by the office."))
    source = request.POST if request.method == "POST" else request.GET
    choices = _choices(request, _ids(source.getlist("documents")), _ids(source.getlist("incomings")))
    if request.method == "POST":
        form = PacketForm(request.POST, request.FILES, **choices)
    else:
        initial = {"documents": source.getlist("documents"), "incomings": source.getlist("incomings")}
        form = PacketForm(initial=initial, **choices)
    error: DomainError | None = None
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            documents = list(Document.objects.filter(pk__in=data["documents"]).order_by("id"))
            incomings = list(IncomingDocument.objects.filter(pk__in=data["incomings"]).order_by("id"))
            if len(documents) != len(set(data["documents"])) or len(incomings) != len(set(data["incomings"])):
                error = ValidationError(_("Some of these entries were not found."))
            else:
                packet, error = attempt(
                    form,
                    lambda: services.packet_compile(
                        actor=request.user,
                        leader=data["leader"],
                        title=data["title"],
                        cover_note=data["cover_note"],
                        documents=documents,
                        incomings=incomings,
                        files=data["files"],
                    ),
                )
                if packet is not None:
                    messages.success(
                        request, _("The packet is sent to %(name)s.") % {"name": data["leader"].display_name}
                    )
                    return redirect(packet)
        else:
            error = check_the_form()
    return render(request, "documents/packet_form.html", {"form": form, "refusal": error}, status=status_of(error))


def _entry(entry: Any) -> dict[str, Any]:
    """An entry with its row and the row's page (the ledger's links: ``workload.targets``)."""
    item = entry.document if entry.document_id else entry.incoming
    url = target_ref(ContentType.objects.get_for_model(item).pk, item.pk)["url"]
    return {"entry": entry, "item": item, "kind": "document" if entry.document_id else "incoming", "url": url}


def _packet_page(
    request: HttpRequest, pk: int, *, form: MarkReadForm | None = None, error: DomainError | None = None
) -> HttpResponse:
    packet = selectors.packet_page(user=request.user, pk=pk)
    mine = packet.leader_id == request.user.pk and packet.status == "sent"
    context = {
        "packet": packet,
        "entries": [_entry(entry) for entry in packet.entries.all()],
        "files": selectors.attachments_of(packet),
        "form": (form or MarkReadForm(prefix="read")) if mine else None,
        "refusal": error,
    }
    return render(request, "documents/packet_detail.html", context, status=status_of(error))


@require_GET
def packet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _packet_page(request, pk)


@require_POST
def packet_mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    packet = selectors.packet_row(user=request.user, pk=pk)
    form = MarkReadForm(request.POST, prefix="read")
    if not form.is_valid():
        return _packet_page(request, pk, form=form, error=check_the_form())
    _done, error = attempt(
        form, lambda: services.packet_mark_read(packet=packet, actor=request.user, remark=form.cleaned_data["remark"])
    )
    if error is not None:
        return _packet_page(request, pk, form=form, error=error)
    messages.success(request, _("Marked as read."))
    return redirect(packet)


@require_GET
def packet_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    return attachment_response(selectors.attachment_of_packet(user=request.user, pk=pk), user=request.user)


urls: list[URLPattern] = [
    path("packets/", packet_list, name="packet_list"),
    path("packets/new/", packet_create, name="packet_create"),
    path("packets/<int:pk>/", packet_detail, name="packet_detail"),
    path("packets/<int:pk>/mark-read/", packet_mark_read, name="packet_mark_read"),
    path("packets/files/<int:pk>/", packet_file, name="packet_file"),
]
