"""The visibility matrix (issue 12): every URL and API endpoint that takes an object, walked by an
outsider and by a read-only insider, and with forged ids.

The walk of the URLconf (``tests.urlwalk``, shared with ``test_login_required``) lists every
pattern with a path parameter; each must have a line in ``MATRIX`` (or in ``EXEMPT``, with the
reason), so a new URL without one fails here. A line says which object of the demo bureau the URL
takes and what kind of URL it is:

- ``READ``: a page or GET endpoint that shows the object. The outsider (a logged-in person of
  another department, cleared for secrets, with no relation to anything) gets 404, never 403; the
  insider (someone the object's rule lets read it, who may not act on it) gets 200.
- ``ACT``: an action (POST), or a form page that leads only to one (GET). The outsider gets 404;
  the read-only insider is refused: 403, or 404 where the action itself is hidden from whoever may
  not take it (the line says which, as the code answers today; the walk tests assert the same).
  An action that reads a body is sent a valid one (``body=``: what its ``actor``, who may take it,
  sends), so the refusal is the rule's and not the form's: ``test_action_body_is_valid`` sends the
  actor the same body and the action is taken. Where the demo has no object in the state the
  action needs, ``ready=`` reaches it in the test's savepoint first; where everyone who sees the
  object may take the action, ``who=None`` walks no insider (or ``who=`` names one who may not).
  A line's ``insider=`` records where the code answers otherwise today: 302 where a page action is
  refused with a message and a redirect (409 would say the object's state refuses first). The edit
  forms (documents:document_edit, meetings:meeting_edit) ask the rule their saving asks: 403.
  Whatever the code, an action walked here must change neither the object's row nor the audit
  log (every write records an audit event).
- People and departments are the bureau's directory: open to every colleague (``outsider=200``).

Any object URL answers 404 (never 500) for ids that do not exist: too large for the database's
integer, beyond any row, not numbers at all.

The bureau is the demo (``seed_demo``: every kind of object, through the services) built once per
module inside a transaction that is rolled back at the end; each test runs in a savepoint inside it.
"""

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import get_resolver, reverse
from django.utils import timezone

from accounts.models import Department, User
from affairs.models import MatterEvent
from core import calendar
from core.models import Attachment, AuditEvent
from documents.models import Document, IncomingDocument, ReadingPacket
from documents.services.incoming import incoming_propose, incoming_review
from meetings.models import AgendaItem, Meeting
from notifications.models import RobotRoute, RobotWebhook
from relations.models import CoordinationMatter
from relations.services_coordination import coordination_respond
from tests.factories import DepartmentFactory, UserFactory
from tests.urlwalk import walk_with_parameters

READ, ACT = "read", "act"
GET, POST, PUT = "get", "post", "put"


OBJECT_INSIDER = "<the object's>"


@dataclass(frozen=True)
class Line:
    obj: str  # a key of OBJECTS
    kind: str = READ  # READ or ACT
    method: str = GET
    insider: int | None = None  # the read-only insider's answer; None: READ → 200, ACT → 403
    outsider: int = 404  # only the directory (people, departments) answers otherwise
    extra: tuple[tuple[str, str], ...] = ()  # further path parameters
    # An action's body: what the person who may take it sends (built from the bureau's objects),
    # so that the insider's refusal is the rule's, not the form's. ``actor`` is that person:
    # test_action_body_is_valid sends them the same body and the action is taken.
    body: "Callable[[Objects], dict[str, Any]] | None" = None
    actor: str | None = None
    # The state the action needs, reached in the test's savepoint before anyone asks (the demo has
    # no object in it): the insider is then refused by the rule, not by the state.
    ready: "Callable[[Objects], object] | None" = None
    # Who is walked as the read-only insider, where not the object's (OBJECTS): None where everyone
    # who sees the object may take this action (the line still proves the outsider's 404 and the body).
    who: str | None = OBJECT_INSIDER


def R(obj: str, **kw: Any) -> Line:
    return Line(obj, READ, GET, **kw)


def A(obj: str, *, method: str = POST, **kw: Any) -> Line:
    return Line(obj, ACT, method, **kw)


# What the bodies are built from (``o``: the bureau's objects, ``Objects``).


def _upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("matrix.txt", b"matrix", content_type="text/plain")


def _due() -> str:
    return calendar.add_working_days(timezone.localdate(), 5).isoformat()


def _department(code: str) -> int:
    return Department.objects.get(code=code).pk


def _info(o: "Objects") -> int:
    return _department("info")  # the coordination's cooperating department, still to answer (its head: luoj)


def _finance(o: "Objects") -> int:
    return _department("finance")


def _decide(o: "Objects") -> dict[str, Any]:
    return {"decision": "approve", "opinion": "同意", "version": o.approval.step.document.version}


def _instruct(o: "Objects") -> dict[str, Any]:
    return {"instruction": "请办理", "lead_department": o.department.pk, "due_on": _due()}


def _agenda_item(o: "Objects") -> dict[str, Any]:
    return {"title": "议题", "presenter": o.person("zhangwt").pk, "duration_minutes": 15}


def _decision(o: "Objects") -> dict[str, Any]:
    return {"text": "议定事项", "lead": o.person("limh").pk, "due_on": _due(), "priority": "routine"}


def _ruling(o: "Objects") -> dict[str, Any]:
    return {"lead_department": o.department.pk, "cooperating_departments": [_finance(o)], "ruling": "裁定"}


# The states some actions need (``Line.ready``): reached through the services where they can be.


def _approved(o: "Objects") -> None:
    """The demo has no approved document: the draft stands in for one (issuing reads only its status)."""
    Document.objects.filter(pk=o.document.pk).update(status="approved")


def _reviewed(o: "Objects") -> None:
    incoming_review(incoming=o.awaiting_incoming, actor=o.person("liuf"), passed=True)


def _proposed(o: "Objects") -> None:
    _reviewed(o)
    incoming_propose(incoming=o.awaiting_incoming, actor=o.person("liuf"), proposal="拟办", leader=o.person("wangjp"))


def _proposed_item(o: "Objects") -> None:
    """The demo's agenda items are decided: one stands for an item still to be reviewed."""
    AgendaItem.objects.filter(pk=o.agenda_item.pk).update(status="proposed")


def _reopened(o: "Objects") -> None:
    """The demo's coordination went to the office when 财务处 declined: it stands for one still open."""
    CoordinationMatter.objects.filter(pk=o.coordination.pk).update(status="open")


def _info_accepted(o: "Objects") -> None:
    _reopened(o)
    department = Department.objects.get(code="info")
    coordination_respond(actor=o.person("luoj"), coordination=o.coordination, department=department, accept=True)


MATRIX: dict[str, Line] = {
    # accounts and the dashboards
    "accounts:person": R("person", outsider=200),
    "api:user-detail": R("person", outsider=200),
    "api:department-detail": R("department", outsider=200),
    "api:dashboard-department": R("department"),
    "workload:dashboard_department": R("department"),
    "workload:dashboard_department_report": R("department"),
    # the ledger
    "workload:item_detail": R("work_item"),
    "workload:item_urge": A("work_item"),
    "api:work-item-detail": R("work_item"),
    "api:work-item-urge": A("work_item"),
    "notifications:open": A("notification"),
    "notifications:read": A("notification"),
    "api:notification-read": A("notification"),
    "notifications:robot_remove": A("robot_route"),
    # affairs
    "affairs:matter_detail": R("matter"),
    "affairs:matter_attachment": R("matter_attachment"),
    "affairs:matter_cancel": A("matter", body=lambda o: {"cancel-reason": "撤销"}, actor="limh"),
    "affairs:matter_complete": A("matter", body=lambda o: {"complete-report": "已完成"}, actor="zhangwt"),
    "affairs:matter_confirm": A("completed_matter", body=lambda o: {"decision": "confirm"}, actor="huangw"),
    "affairs:matter_progress": A(
        "matter", body=lambda o: {"progress-text": "进展", "progress-percent": 50}, actor="zhangwt"
    ),
    "affairs:matter_transfer": A(
        "matter", body=lambda o: {"transfer-to": o.person("zhaolj").pk, "transfer-reason": "转办"}, actor="zhangwt"
    ),
    "api:matter-detail": R("matter"),
    "api:matter-attachment-detail": R("matter_attachment"),
    "api:matter-cancel": A("matter", body=lambda o: {"reason": "撤销"}, actor="limh"),
    "api:matter-complete": A("matter", body=lambda o: {"report": "已完成"}, actor="zhangwt"),
    "api:matter-confirm": A("completed_matter", body=lambda o: {"accept": True}, actor="huangw"),
    "api:matter-progress": A("matter", body=lambda o: {"text": "进展", "percent": 50}, actor="zhangwt"),
    "api:matter-transfer": A("matter", body=lambda o: {"to": o.person("zhaolj").pk, "reason": "转办"}, actor="zhangwt"),
    "affairs:reception_detail": R("reception"),
    "affairs:reception_print": R("reception"),
    "affairs:reception_status": A("reception", body=lambda o: {"status": "done"}, actor="chenjg"),
    "affairs:arrangement_add": A(
        "reception",
        body=lambda o: {"arrangement-kind": "meals", "arrangement-owner": o.person("wuj").pk},
        actor="chenjg",
    ),
    "affairs:arrangement_detail": R("arrangement", insider=302),
    "affairs:arrangement_arranged": A("arrangement"),
    "api:reception-detail": R("reception"),
    "api:reception-set-status": A("reception", body=lambda o: {"status": "done"}, actor="chenjg"),
    "api:arrangement-detail": R("arrangement"),
    "api:arrangement-arranged": A("arrangement"),
    "affairs:plan_detail": R("plan"),
    "affairs:plan_item_add": A(
        "plan",
        body=lambda o: {"item-title": "新事项", "item-owner": o.person("zhaolj").pk, "item-priority": "routine"},
        actor="limh",
    ),
    "affairs:plan_item_to_matter": A("plan_item"),
    "api:work-plan-detail": R("plan"),
    "api:work-plan-items": A("plan", body=lambda o: {"title": "新事项", "owner": o.person("zhaolj").pk}, actor="limh"),
    "api:plan-item-to-matter": A("plan_item"),
    # documents: outgoing
    "documents:document_detail": R("document"),
    "documents:document_versions": R("document"),
    "documents:document_render": R("document"),
    "documents:document_edit": A("document", method=GET),
    "documents:document_attach": A("document", body=lambda o: {"files": _upload()}, actor="zhoum"),
    "documents:document_submit": A("document"),
    "documents:document_issue": A("document"),
    "documents:document_revoke": A(
        "issued_document", body=lambda o: {"kind": "revoked", "reason": "撤销"}, actor="chenjg"
    ),
    "documents:comment_round_create": A("document", method=GET),
    "documents:opinion_summary": R("document"),
    "documents:opinion_summary_download": R("document", extra=(("kind", "docx"),)),
    "documents:attachment": R("document_attachment"),
    "api:document-detail": R("document"),
    "api:document-versions": R("document"),
    "api:document-diff": R("document", body=lambda o: {"from": 1, "to": 1}),
    "api:document-render": R("document"),
    "api:document-attachments": A("document", body=lambda o: {"file": _upload()}, actor="zhoum"),
    "api:document-attachment-detail": R("document_attachment"),
    "api:document-comment-rounds": A("document"),
    "api:document-opinion-summary": R("document"),
    "api:document-opinion-summary-docx": R("document"),
    "api:document-opinion-summary-xlsx": R("document"),
    "api:document-submit": A("revising_document", body=lambda o: {"signer": o.person("wangjp").pk}, actor="zhaolj"),
    "api:document-issue": A(
        "document", body=lambda o: {"main_departments": [o.department.pk]}, actor="chenjg", ready=_approved
    ),
    "api:document-revoke": A("issued_document", body=lambda o: {"kind": "revoked", "reason": "撤销"}, actor="chenjg"),
    "documents:comment_round_close": A("comment_round"),
    "api:comment-round-detail": R("comment_round"),
    "api:comment-round-close": A("comment_round"),
    "documents:comment_request": R("comment_request"),
    "documents:comment_request_respond": A(
        "comment_request", body=lambda o: {"respond-stance": "agree"}, actor="zhaolj"
    ),
    "documents:comment_request_delegate": A(
        "department_request", body=lambda o: {"delegate-delegate": o.person("hexm").pk}, actor="linht"
    ),
    "api:comment-request-detail": R("comment_request"),
    "api:comment-request-respond": A("comment_request", body=lambda o: {"stance": "agree"}, actor="zhaolj"),
    "api:comment-request-delegate": A(
        "department_request", body=lambda o: {"delegate": o.person("hexm").pk}, actor="linht"
    ),
    "documents:opinion_handle": A("opinion", body=lambda o: {f"o{o.opinion.pk}-handling": "adopted"}, actor="zhoum"),
    "api:opinion-handle": A("opinion", body=lambda o: {"handling": "adopted"}, actor="zhoum"),
    "documents:approval": R("approval"),
    "documents:approval_decide": A(
        "approval", body=lambda o: {f"decide-{k}": v for k, v in _decide(o).items()}, actor="wangjp"
    ),
    "api:approval-detail": R("approval"),
    "api:approval-decide": A("approval", body=_decide, actor="wangjp"),
    "documents:distribution": R("distribution"),
    # The demo's distributions go to departments, without a numbered copy (份号): 404 to all.
    "documents:distribution_copy": R("distribution", insider=404),
    "api:distribution-detail": R("distribution"),
    "api:distribution-copy": R("distribution", insider=404),
    "api:distribution-receive": A("distribution"),
    # documents: incoming, readings, packets
    "documents:incoming_detail": R("incoming"),
    "documents:incoming_file": R("incoming_file"),
    # Before its leader is asked, an incoming document is seen by the office alone, which reviews and
    # proposes: no read-only insider (api:incoming-review walks a reader of one in circulation).
    "documents:incoming_review": A("awaiting_incoming", body=lambda o: {"decision": "pass"}, actor="liuf", who=None),
    "documents:incoming_propose": A(
        "awaiting_incoming",
        body=lambda o: {"propose-proposal": "拟办", "propose-leader": o.person("wangjp").pk},
        actor="liuf",
        ready=_reviewed,
        who=None,
    ),
    "documents:incoming_instruct": A(
        "awaiting_incoming",
        body=lambda o: {f"instruct-{k}": v for k, v in _instruct(o).items()},
        actor="wangjp",
        ready=_proposed,
        who="wuj",
    ),
    "documents:incoming_circulate": A(
        "incoming", body=lambda o: {"circulate-readers": [o.person("zhangwt").pk]}, actor="liuf"
    ),
    "documents:incoming_close": A("incoming"),
    "documents:incoming_archive": A("incoming"),
    "api:incoming-detail": R("incoming"),
    "api:incoming-file-detail": R("incoming_file"),
    "api:incoming-review": A("incoming"),
    "api:incoming-propose": A(
        "awaiting_incoming",
        body=lambda o: {"proposal": "拟办", "leader": o.person("wangjp").pk},
        actor="liuf",
        ready=_reviewed,
        who=None,
    ),
    "api:incoming-instruct": A("awaiting_incoming", body=_instruct, actor="wangjp", ready=_proposed, who="wuj"),
    "api:incoming-circulate": A("incoming", body=lambda o: {"readers": [o.person("zhangwt").pk]}, actor="liuf"),
    "api:incoming-close": A("incoming"),
    "api:incoming-archive": A("incoming"),
    "documents:reading": R("reading"),
    "documents:reading_mark_read": A("reading"),
    "api:reading-detail": R("reading"),
    "api:reading-mark-read": A("reading"),
    "documents:packet_detail": R("packet"),
    "documents:packet_file": R("packet_file"),
    "documents:packet_mark_read": A("packet"),
    "api:packet-detail": R("packet"),
    "api:packet-file-detail": R("packet_file"),
    "api:packet-mark-read": A("packet"),
    # meetings
    "meetings:meeting_detail": R("meeting"),
    "meetings:meeting_ics": R("meeting"),
    "meetings:meeting_edit": A("meeting", method=GET),
    "meetings:meeting_cancel": A("meeting", insider=302),
    # Every insider of the private meeting is invited and may reply: its organizer, not invited, may not.
    "meetings:meeting_respond": A(
        "meeting", body=lambda o: {"respond-response": "accept"}, actor="zhangwt", who="liuf"
    ),
    # Everyone who sees the private meeting belongs to a department with someone invited, and proposes.
    "meetings:agenda_propose": A(
        "meeting", body=lambda o: {f"agenda-{k}": v for k, v in _agenda_item(o).items()}, actor="zhangwt", who=None
    ),
    "meetings:agenda_publish": A("meeting"),
    "meetings:minutes_save": A("meeting"),
    "meetings:minutes_issue": A("meeting"),
    "meetings:decision_record": A(
        "meeting", body=lambda o: {f"decision-{k}": v for k, v in _decision(o).items()}, actor="liuf"
    ),
    "meetings:position_record": A(
        "meeting", body=lambda o: {"position-department": o.department.pk, "position-text": "立场"}, actor="liuf"
    ),
    "meetings:resolution_record": A("meeting", body=lambda o: {"resolution-text": "一致意见"}, actor="liuf"),
    "api:meeting-detail": R("meeting"),
    "api:meeting-ics": R("meeting"),
    "api:meeting-cancel": A("meeting"),
    # As meetings:meeting_respond: the organizer, not invited, is refused the reply.
    "api:meeting-followup-respond": A("meeting", body=lambda o: {"response": "accept"}, actor="zhangwt", who="liuf"),
    "api:meeting-followup-agenda-items": R("meeting"),
    "api:meeting-followup-agenda-publish": A("meeting"),
    "api:meeting-followup-decisions": R("meeting"),
    "api:meeting-followup-minutes": R("meeting"),
    "api:meeting-followup-minutes-issue": A("meeting"),
    "api:meeting-followup-positions": R("meeting"),
    "api:meeting-followup-resolution": A("meeting", method=PUT, body=lambda o: {"text": "一致意见"}, actor="liuf"),
    "meetings:agenda_item": R("agenda_item", insider=302),
    "meetings:agenda_decide": A(
        "agenda_item", body=lambda o: {"decide-decision": "accept"}, actor="chenjg", ready=_proposed_item
    ),
    "meetings:agenda_move": A("agenda_item", body=lambda o: {"position": 2}, actor="chenjg"),
    "api:agenda-item-decide": A("agenda_item", body=lambda o: {"accept": True}, actor="chenjg", ready=_proposed_item),
    "api:agenda-item-move": A("agenda_item", body=lambda o: {"position": 2}, actor="chenjg"),
    "meetings:agenda_material": R("agenda_material"),
    "api:agenda-material-detail": R("agenda_material"),
    "meetings:decision": R("decision", insider=302),
    # relations
    "relations:coordination_detail": R("coordination"),
    "relations:coordination_respond": A(
        "coordination",
        body=lambda o: {"respond-department": _info(o), "respond-accept": "1"},
        actor="luoj",
        ready=_reopened,
    ),
    "relations:coordination_dispute": A(
        "coordination",
        body=lambda o: {"dispute-department": _info(o), "dispute-reason": "异议"},
        actor="luoj",
        ready=_info_accepted,
    ),
    "relations:coordination_arbitrate": A(
        "coordination", body=lambda o: {f"arbitrate-{k}": v for k, v in _ruling(o).items()}, actor="chenjg"
    ),
    "relations:coordination_escalate": A(
        "coordination", body=lambda o: {"escalate-leader": o.person("wangjp").pk}, actor="chenjg"
    ),
    "relations:coordination_meeting": A("coordination", body=lambda o: {"meeting-meeting": o.meeting.pk}, actor="liuf"),
    "api:coordination-detail": R("coordination"),
    "api:coordination-respond": A(
        "coordination", body=lambda o: {"department": _info(o), "accept": True}, actor="luoj", ready=_reopened
    ),
    "api:coordination-dispute": A(
        "coordination", body=lambda o: {"department": _info(o), "reason": "异议"}, actor="luoj", ready=_info_accepted
    ),
    "api:coordination-arbitrate": A("coordination", body=_ruling, actor="chenjg"),
    "api:coordination-escalate": A("coordination", body=lambda o: {"leader": o.person("wangjp").pk}, actor="chenjg"),
    "api:coordination-meeting": A("coordination", body=lambda o: {"meeting": o.meeting.pk}, actor="liuf"),
    "bulletins:detail": R("bulletin"),
    "bulletins:read": A("bulletin"),
    # The office and the recipients see a bulletin, and all of them may reply: no read-only insider.
    "bulletins:reply": A("bulletin", body=lambda o: {"text": "收到"}, actor="chenjg", who=None),
    "api:bulletin-detail": R("bulletin"),
    "api:bulletin-read": A("bulletin"),
    "api:bulletin-replies": A("bulletin", body=lambda o: {"text": "收到"}, actor="chenjg", who=None),
    "relations:feedback_detail": R("feedback"),
    "relations:feedback_route": A("feedback", body=lambda o: {"route-department": _finance(o)}, actor="zhoum"),
    # The routed department's head replies; the office, which sees every feedback, may not.
    "relations:feedback_reply": A("feedback", body=lambda o: {"reply-reply": "答复"}, actor="limh", who="wuj"),
    "relations:feedback_send_back": A("answered_feedback", body=lambda o: {"send_back-reason": "补充"}, actor="zhoum"),
    "relations:feedback_close": A(
        "answered_feedback", body=lambda o: {"close-satisfaction": "satisfied"}, actor="zhoum"
    ),
    "api:feedback-detail": R("feedback"),
    "api:feedback-route": A("feedback", body=lambda o: {"department": _finance(o)}, actor="zhoum"),
    "api:feedback-reply": A("feedback", body=lambda o: {"reply": "答复"}, actor="limh", who="wuj"),
    "api:feedback-send-back": A("answered_feedback", body=lambda o: {"reason": "补充"}, actor="zhoum"),
    "api:feedback-close": A("answered_feedback", body=lambda o: {"satisfaction": "satisfied"}, actor="zhoum"),
    "schedules:entry_edit": A("schedule_entry", method=GET, insider=404),
    "schedules:entry_cancel": A("schedule_entry", insider=302),
    "api:leader-schedule-detail": R("schedule_entry"),
    "api:leader-schedule-cancel": A("schedule_entry"),
}

# URL names with a path parameter that is not an object of the bureau, and why.
EXEMPT: dict[str, str] = {
    "verify": "public by design: the code printed on an issued document (test_login_required's allow-list)",
    "meetings:calendar_feed": "the secret token is the parameter, not an object (test_login_required's allow-list)",
}

# Each object: the model, how to pick it among the demo's, and the read-only insider's username.
OBJECTS: dict[str, tuple[str, dict[str, Any], str | None]] = {
    "person": ("accounts.User", {"username": "zhangwt"}, "maxy"),
    "department": ("accounts.Department", {"code": "general"}, "limh"),
    # No read-only insider: an item is seen by its assignee, its assigner and the office, who may
    # all act on it; a notification and a robot route by their owner alone.
    "work_item": ("workload.WorkItem", {"assignee__username": "zhangwt", "status": "open"}, None),
    "notification": ("notifications.Notification", {"recipient__username": "zhangwt"}, None),
    "robot_route": ("notifications.RobotRoute", {}, None),
    "matter": ("affairs.Matter", {"title": "起草综合处年度工作总结"}, "yangzg"),
    "completed_matter": ("affairs.Matter", {"title": "汇总年度考核材料"}, "yangzg"),  # awaiting confirmation
    "matter_attachment": ("core.Attachment", {"original_name": "matter.txt"}, "yangzg"),
    "reception": ("affairs.Reception", {}, "xul"),
    "arrangement": ("affairs.Arrangement", {}, "xul"),
    "plan": ("affairs.WorkPlan", {}, "zhangwt"),
    "plan_item": ("affairs.WorkPlanItem", {}, "zhangwt"),
    "document": ("documents.Document", {"title": "关于做好2027年元旦春节期间值班工作的通知"}, "zhaolj"),
    "revising_document": ("documents.Document", {"title": "关于加强机关办公用房管理的通知"}, "limh"),
    "issued_document": ("documents.Document", {"title": "关于做好2026年度档案整理归档工作的通知"}, "sunzq"),
    "document_attachment": ("core.Attachment", {"original_name": "document.txt"}, "zhaolj"),
    "comment_round": ("documents.CommentRound", {}, "wuj"),
    "comment_request": ("documents.CommentRequest", {"reviewer__username": "zhaolj"}, "wuj"),
    "department_request": ("documents.CommentRequest", {"reviewer__username": "linht"}, "wuj"),
    "opinion": ("documents.Opinion", {}, "wuj"),
    "approval": ("documents.Approval", {"status": "pending"}, "wuj"),
    "distribution": ("documents.Distribution", {}, "maxy"),
    "incoming": ("documents.IncomingDocument", {}, "gaoxy"),
    "incoming_file": ("core.Attachment", {"original_name": "incoming.txt"}, "gaoxy"),
    "awaiting_incoming": (
        "documents.IncomingDocument",
        {"title": "关于征求《城市应急预案（修订稿）》意见的函"},
        "gaoxy",
    ),
    "reading": ("documents.Reading", {}, "gaoxy"),
    "packet": ("documents.ReadingPacket", {}, "wuj"),
    "packet_file": ("core.Attachment", {"original_name": "packet.txt"}, "wuj"),
    "meeting": ("meetings.Meeting", {"title": "办公用房调整协调会"}, "zhangwt"),
    "agenda_item": ("meetings.AgendaItem", {}, "zhangwt"),
    "agenda_material": ("core.Attachment", {"original_name": "agenda.txt"}, "zhangwt"),
    "decision": ("meetings.Decision", {}, "zhangwt"),
    "coordination": ("relations.CoordinationMatter", {}, "maxy"),
    "bulletin": ("relations.Bulletin", {}, "wuj"),
    "feedback": ("relations.Feedback", {"subject": "建议延长办事大厅周末开放时间"}, "limh"),  # routed to 综合处
    "answered_feedback": ("relations.Feedback", {"subject": "反映单位门前道路积水"}, "limh"),
    "schedule_entry": ("relations.ScheduleEntry", {}, "gaoxy"),
}

OUTSIDER = "matrix_outsider"
FORGED = ("9223372036854775808", "99999999999999999999", "abc")  # 2**63 (one past bigint), far beyond, not a number


@dataclass
class World:
    pks: dict[str, int]
    clients: dict[str, Client]  # by username: each logged in once, its session kept by the module's transaction


def _attach(owner: Any, name: str, by: User) -> None:
    Attachment.objects.create(
        owner_type=ContentType.objects.get_for_model(owner),
        owner_id=owner.pk,
        file=ContentFile(b"matrix", name=name),
        original_name=name,
        content_type="text/plain",
        size=6,
        uploaded_by=by,
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """The demo bureau, an outsider, a file on each kind of owner and a robot route: built once,
    rolled back after the module."""
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    with django_db_blocker.unblock(), media, transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        people = {u.username: u for u in User.objects.all()}
        outsider = UserFactory(username=OUTSIDER, department=DepartmentFactory(code="matrix"), clearance="secret")
        matter = OBJECTS["matter"][1]["title"]
        _attach(MatterEvent.objects.filter(matter__title=matter).first(), "matter.txt", people["zhangwt"])
        _attach(Document.objects.get(title=OBJECTS["document"][1]["title"]), "document.txt", people["zhoum"])
        _attach(IncomingDocument.objects.first(), "incoming.txt", people["liuf"])
        _attach(ReadingPacket.objects.first(), "packet.txt", people["liuf"])
        _attach(AgendaItem.objects.first(), "agenda.txt", people["chenjg"])
        webhook = RobotWebhook.objects.create(name="matrix", platform="wecom", url="https://example.org/hook")
        RobotRoute.objects.create(webhook=webhook, user=people["zhangwt"])
        # The demo's meetings are open to the whole bureau (as non-private meetings are): made
        # private here, their agenda, materials, minutes and decisions follow them.
        Meeting.objects.update(private=True)
        pks = {}
        for key, (label, where, _) in OBJECTS.items():
            found = apps.get_model(label).objects.filter(**where).order_by("pk").first()
            assert found is not None, key
            pks[key] = found.pk
        walkers = [outsider, people["chenjg"], people["admin"]]
        walkers += [people[insider] for _, _, insider in OBJECTS.values() if insider is not None]
        walkers += [people[line.actor] for line in MATRIX.values() if line.actor is not None]
        walkers += [people[line.who] for line in MATRIX.values() if line.who not in (None, OBJECT_INSIDER)]
        yield World(pks=pks, clients={person.username: _client(person) for person in walkers})
        transaction.set_rollback(True)


def _path(name: str, line: Line, value: object) -> str:
    sentinel = 987654321  # matches every converter the object URLs use (int, str, a DRF lookup)
    params = dict(line.extra)
    (key,) = (p for p in PARAMETERS[name] if p not in params)
    return reverse(name, kwargs={**params, key: sentinel}).replace(str(sentinel), str(value))


PARAMETERS = {name: params for name, _, params in walk_with_parameters(get_resolver()) if params}
OBJECT_URLS = sorted(name for name in PARAMETERS if not name.startswith("admin:"))


def _client(person: User) -> Client:
    client = Client()
    client.force_login(person)
    return client


class Objects:
    """The bureau's objects, for a line's body: ``o.matter`` (a key of OBJECTS), ``o.person("zhangwt")``."""

    def __init__(self, pks: dict[str, int]) -> None:
        self._pks = pks

    def __getattr__(self, key: str) -> Any:
        return apps.get_model(OBJECTS[key][0]).objects.get(pk=self._pks[key])

    def person(self, username: str) -> User:
        return User.objects.get(username=username)


def _body(world: World, line: Line) -> dict[str, Any] | None:
    return line.body(Objects(world.pks)) if line.body is not None else None


def _request(client: Client, name: str, line: Line, value: object, body: dict[str, Any] | None = None) -> int:
    """The request, with the line's body: JSON to the API (a form with files: multipart), a form to a page."""
    path = _path(name, line, value)
    with_files = body is not None and any(hasattr(v, "read") for v in body.values())
    if line.method == PUT or (line.method == POST and name.startswith("api:") and body and not with_files):
        send = client.put if line.method == PUT else client.post
        return send(path, json.dumps(body or {}), content_type="application/json").status_code
    if line.method == POST:
        return client.post(path, body or {}).status_code
    return client.get(path, body or {}).status_code  # a GET's body is its query


def test_every_object_url_has_a_line():
    missing = [name for name in OBJECT_URLS if name not in MATRIX and name not in EXEMPT]
    assert not missing, f"URLs that take an object without a line in MATRIX (or EXEMPT): {missing}"
    stale = sorted((set(MATRIX) | set(EXEMPT)) - set(OBJECT_URLS))
    assert not stale, f"lines for URLs that no longer exist: {stale}"


def _state(line: Line, pk: int) -> tuple[Any, int]:
    """The object's row and the audit log's length: a refused action changes neither (every write
    records an audit event)."""
    return apps.get_model(OBJECTS[line.obj][0]).objects.filter(pk=pk).values().first(), AuditEvent.objects.count()


def _failures(world: World, name: str) -> list[str]:
    line = MATRIX[name]
    pk = world.pks[line.obj]
    wrong = []
    if line.ready is not None:
        line.ready(Objects(world.pks))
    before = _state(line, pk)
    outsider = _request(world.clients[OUTSIDER], name, line, pk, _body(world, line))
    if outsider != line.outsider:
        wrong.append(f"outsider {outsider} (expected {line.outsider})")
    insider_name = OBJECTS[line.obj][2] if line.who == OBJECT_INSIDER else line.who
    if insider_name is not None:
        expected = line.insider or (200 if line.kind == READ else 403)
        got = _request(world.clients[insider_name], name, line, pk, _body(world, line))
        if got != expected:
            wrong.append(f"insider {insider_name} {got} (expected {expected})")
    if line.kind == ACT and _state(line, pk) != before:
        wrong.append("the action was taken (the object or the audit log changed)")
    return wrong


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_object_url(world, name):
    """The outsider, the read-only insider, and forged ids (asked by the office's head, who sees
    the most) on one object URL."""
    wrong = _failures(world, name)
    forged = {value: _request(world.clients["chenjg"], name, MATRIX[name], value) for value in FORGED}
    if set(forged.values()) != {404}:
        wrong.append(f"forged ids {forged} (expected 404)")
    assert not wrong, f"{name}: " + "; ".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(name for name, line in MATRIX.items() if line.kind == ACT and line.body))
def test_action_body_is_valid(world, name):
    """The body the insider is refused with is one the action accepts: sent by the person who may
    take the action, it is taken (2xx or a redirect, and an audit event). Undone with the test's
    savepoint."""
    line = MATRIX[name]
    assert line.actor is not None, f"{name}: a line with a body names its actor"
    if line.ready is not None:
        line.ready(Objects(world.pks))
    audit = AuditEvent.objects.count()
    got = _request(world.clients[line.actor], name, line, world.pks[line.obj], _body(world, line))
    assert 200 <= got < 400, f"{name}: {line.actor} got {got}"
    assert AuditEvent.objects.count() > audit, f"{name}: {line.actor} got {got} but nothing was recorded"


ADMIN_OBJECT_URLS = sorted(
    name for name, params in PARAMETERS.items() if name.startswith("admin:") and params and "<unnamed" not in name
)


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n in ADMIN_OBJECT_URLS if "object_id" in PARAMETERS[n]])
def test_admin_object_pages(world, name):
    """The admin's object pages: a person who is not staff is sent to the admin's sign-in page;
    an administrator asking for an id that does not exist is sent back (302) or told 404, never a
    500. (Who among administrators sees a classified object's admin page is walked by the
    visibility walks: tests/test_visibility_walk*.py.)"""
    line = Line("", extra=tuple((p, "x") for p in PARAMETERS[name] if p != "object_id"))
    outsider = world.clients[OUTSIDER].get(_path(name, line, world.pks["matter"]))
    assert outsider.status_code == 302 and reverse("admin:login") in outsider["Location"], name
    admin = world.clients["admin"]
    got = {value: admin.get(_path(name, line, value)).status_code for value in FORGED}
    # A model whose deletion is switched off refuses its delete page (403) before any lookup.
    allowed = {302, 403, 404} if name.endswith("_delete") else {302, 404}
    assert set(got.values()) <= allowed, f"{name}: {got}"


def _classified_admin_pages() -> list[tuple[str, str]]:
    """The admin change page of every registered model with a classification of its own, but the
    notification's (its admin page is shown masked to every administrator: test_visibility_walk)."""
    return sorted(
        (f"admin:{model._meta.app_label}_{model._meta.model_name}_change", model._meta.label)
        for model in admin.site._registry
        if any(field.name == "classification" for field in model._meta.get_fields())
        and model._meta.label != "notifications.Notification"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "label"), _classified_admin_pages())
def test_admin_hides_what_the_administrator_may_not_see(world, name, label):
    """An administrator (cleared for 内部 only, outside the office) opening the admin page of a
    秘密 object gets 404, not the page and not the admin's "does not exist" redirect."""
    administrator = User.objects.get(username="admin")
    assert administrator.is_superuser and administrator.clearance == "internal"
    assert not administrator.department.is_office
    model = apps.get_model(label)
    obj = model.objects.order_by("pk").first()
    model.objects.filter(pk=obj.pk).update(classification="secret")  # undone with the test's savepoint
    response = world.clients["admin"].get(reverse(name, args=[obj.pk]))
    assert response.status_code == 404, (name, response.status_code)
