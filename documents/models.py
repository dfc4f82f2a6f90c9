"""Official documents (公文): outgoing drafts and their versions, comment collection (征求意见),
the approval chain (核稿 → 会签 → 审核 → 签发), numbering and distribution, incoming documents (收文)
with their circulation (传阅), and reading packets (阅件) for leaders.

State machines: each status field below is a ``TextChoices``; the transitions allowed between them
are the tables in ``documents.transitions``, and only the services move a row along them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.enums import Classification, Urgency


class DocType(models.TextChoices):
    """The 15 types of the 2012 regulation (第八条), API values of API.md."""

    NOTICE = "notice", _("Notice (通知)")
    REQUEST = "request", _("Request for instructions (请示)")
    REPORT = "report", _("Report (报告)")
    LETTER = "letter", _("Letter (函)")
    MINUTES = "minutes", _("Minutes (纪要)")
    OPINION = "opinion", _("Opinion (意见)")
    DECISION = "decision", _("Decision (决定)")
    CIRCULAR = "circular", _("Circular (通报)")
    REPLY = "reply", _("Reply (批复)")
    ANNOUNCEMENT = "announcement", _("Announcement (公告)")
    PUBLIC_NOTICE = "public_notice", _("Public notice (通告)")
    RESOLUTION = "resolution", _("Resolution (决议)")
    ORDER = "order", _("Order (命令)")
    COMMUNIQUE = "communique", _("Communiqué (公报)")
    MOTION = "motion", _("Motion (议案)")

    @classmethod
    def upward(cls, value: str) -> bool:
        """上行文 (to a superior): the layout shows 签发人 and the principal leader signs."""
        return value in {cls.REQUEST, cls.REPORT, cls.MOTION}


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("document status", "Draft")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    REVISING = "revising", _("Being revised")
    APPROVED = "approved", _("Approved, awaiting issue")
    ISSUED = "issued", _("Issued")
    REJECTED = "rejected", pgettext_lazy("document status", "Rejected")
    ARCHIVED = "archived", pgettext_lazy("document status", "Archived")


class Revocation(models.TextChoices):
    """第三十三条: 撤销 voids from the start, 废止 from its date."""

    REVOKED = "revoked", _("Revoked (void from the start)")
    REPEALED = "repealed", _("Repealed (void from its date)")


class Document(models.Model):
    """An outgoing or internal document (发文), from draft to issue and archive.

    The working fields hold the current version; ``DocumentVersion`` keeps every saved version.
    """

    title = models.CharField(_("title"), max_length=200)
    doc_type = models.CharField(_("document type"), max_length=20, choices=DocType.choices)
    # Sanitized HTML (``documents.body``): paragraphs and the four heading levels, nothing else.
    body = models.TextField(_("body"), blank=True)
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    classification = models.CharField(
        _("classification"), max_length=16, choices=Classification.choices, default=Classification.INTERNAL
    )
    secrecy_period = models.CharField(
        _("secrecy period"), max_length=20, blank=True, help_text=_("保密期限 of a secret document, e.g. “1年”.")
    )
    main_recipients = models.CharField(_("main recipients (主送)"), max_length=300, blank=True)
    cc_recipients = models.CharField(_("copied to (抄送)"), max_length=300, blank=True)
    attachment_notes = models.TextField(
        _("attachment list (附件说明)"), blank=True, help_text=_("One attachment name per line.")
    )
    note = models.CharField(_("note (附注)"), max_length=300, blank=True)
    drafter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafter"), on_delete=models.PROTECT, related_name="drafted_documents"
    )
    # The drafter's department when the draft began: its head reviews (核稿), its prefix numbers it.
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("drafting department"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=24, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    # Each submission for approval starts a new cycle of steps; earlier cycles stay as history.
    cycle = models.PositiveIntegerField(_("approval cycle"), default=0)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signer (签发人)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    # Numbering (发文字号): <prefix>〔<year>〕<seq>号, gap-free per prefix and year (NumberCounter).
    number = models.CharField(_("document number"), max_length=60, blank=True)
    number_prefix = models.CharField(_("number prefix"), max_length=20, blank=True)
    number_year = models.PositiveSmallIntegerField(_("number year"), null=True, blank=True)
    number_seq = models.PositiveIntegerField(_("number sequence"), null=True, blank=True)
    issuing_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("issuing department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    # The issued, signed PDF and what the verification page checks against.
    issued_pdf = models.FileField(_("issued PDF"), upload_to="issued/%Y/", blank=True, max_length=200)
    pdf_sha256 = models.CharField(_("SHA-256 of the issued PDF"), max_length=64, blank=True)
    # 份号 (GB/T 9704 7.2.1) of the office's file copy, the issued PDF above: the copy after the
    # distributions' numbered copies (Distribution.copy_number); null when copies are not numbered.
    copy_number = models.PositiveIntegerField(_("copy number of the file copy (份号)"), null=True, blank=True)
    verification_code = models.CharField(_("verification code"), max_length=20, null=True, blank=True, unique=True)
    revocation = models.CharField(_("revocation"), max_length=16, choices=Revocation.choices, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(
                fields=["number_prefix", "number_year", "number_seq"],
                condition=Q(number_seq__isnull=False),
                name="document_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-id"], name="document_status_id"),
            models.Index(fields=["drafter", "-id"], name="document_drafter_id"),
            models.Index(fields=["department", "-id"], name="document_department_id"),
            models.Index(fields=["classification", "-id"], name="document_class_id"),
        ]

    def __str__(self) -> str:
        return self.number or self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:document_detail", args=[self.pk])

    @property
    def is_upward(self) -> bool:
        return DocType.upward(self.doc_type)

    @property
    def copy_label(self) -> str:
        """The file copy's 份号 as printed ("" when copies are not numbered)."""
        return copy_label(self.copy_number)

    @property
    def is_editable(self) -> bool:
        return self.status in {DocumentStatus.DRAFT, DocumentStatus.REVISING}


# The fields a version snapshots (the drafter edits these; every save is a new version).
VERSIONED_FIELDS = (
    "title",
    "doc_type",
    "body",
    "urgency",
    "classification",
    "secrecy_period",
    "main_recipients",
    "cc_recipients",
    "attachment_notes",
    "note",
)


class DocumentVersion(models.Model):
    """One saved state of a document's text. Versions are numbered 1, 2, ... per document."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    # The other versioned fields (VERSIONED_FIELDS) as they were.
    fields = models.JSONField(_("fields"), default=dict)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("saved by"), on_delete=models.PROTECT)
    summary = models.CharField(_("change note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="document_version_unique")]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"


class AccessReason(models.TextChoices):
    REVIEWER = "reviewer", _("Reviewer")
    APPROVER = "approver", _("Approver")
    RECIPIENT = "recipient", _("Recipient")
    READER = "reader", _("Reader")
    PACKET = "packet", _("Reading packet")
    HANDLER = "handler", _("Handler")


class DocumentAccess(models.Model):
    """Need-to-know: a person routed on a document (reviewer, approver, recipient, packet reader).

    The visibility rule (``selectors.document_visibility``) reads this one indexed table instead of
    walking every route; the services add a row whenever they route someone. It also remembers the
    last version the person saw, for "changes since you last looked".
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="access")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=16, choices=AccessReason.choices)
    last_seen_version = models.PositiveIntegerField(_("last seen version"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("document access")
        verbose_name_plural = _("document access")
        constraints = [models.UniqueConstraint(fields=["user", "document"], name="document_access_unique")]

    def __str__(self) -> str:
        return f"{self.document_id}:{self.user_id}"


# --- Comment collection (征求意见) --------------------------------------------------------------


class RoundStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("comment round", "Open")
    CLOSED = "closed", pgettext_lazy("comment round", "Closed")


class CommentRound(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveIntegerField(_("round"))
    version = models.PositiveIntegerField(_("version commented on"))
    instructions = models.TextField(_("instructions"), blank=True)
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(_("status"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("comment round")
        verbose_name_plural = _("comment rounds")
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="comment_round_unique")]

    def __str__(self) -> str:
        return f"{self.document_id} #{self.number}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("comment request", "Pending")
    ANSWERED = "answered", _("Answered")
    NO_ANSWER = "no_answer", _("No answer")


class Stance(models.TextChoices):
    AGREE = "agree", _("Agree")
    AGREE_WITH_CHANGES = "agree_with_changes", _("Agree with changes")
    DISAGREE = "disagree", _("Disagree")
    NO_COMMENT = "no_comment", _("No comment")


class CommentRequest(models.Model):
    """One reviewer asked in a round: a person, or a department answered by its head or a delegate."""

    round = models.ForeignKey(CommentRound, on_delete=models.CASCADE, related_name="requests")
    # Who must answer: the person named, or the department's head when a department was named.
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The head may hand the answer to a delegate in their department.
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    stance = models.CharField(_("stance"), max_length=24, choices=Stance.choices, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("comment request")
        verbose_name_plural = _("comment requests")
        ordering = ["round", "id"]
        indexes = [models.Index(fields=["reviewer", "status"], name="comment_request_reviewer")]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.reviewer_id}"

    def get_absolute_url(self) -> str:
        return reverse("documents:comment_request", args=[self.pk])


class Handling(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    PARTLY_ADOPTED = "partly_adopted", _("Partly adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")


class Opinion(models.Model):
    """One point a reviewer made, optionally quoting the passage it concerns, and how the drafter
    handled it (采纳 / 部分采纳 / 不采纳 with a reason)."""

    request = models.ForeignKey(CommentRequest, on_delete=models.CASCADE, related_name="opinions")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("opinion"))
    quote = models.TextField(_("quoted passage"), blank=True)
    handling = models.CharField(_("handling"), max_length=16, choices=Handling.choices, blank=True)
    note = models.TextField(_("handling note"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["request", "order", "id"]

    def __str__(self) -> str:
        return self.text[:40]


# --- Approval (核稿 → 会签 → 审核 → 签发) ---------------------------------------------------------


class StepKind(models.TextChoices):
    REVIEW = "review", _("Department review (核稿)")
    COUNTERSIGN = "countersign", _("Countersign (会签)")
    OFFICE_REVIEW = "office_review", _("Office review (审核)")
    SIGN = "sign", _("Sign-off (签发)")


class StepStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CURRENT = "current", _("Current")
    DONE = "done", pgettext_lazy("approval step", "Done")
    RETURNED = "returned", pgettext_lazy("approval step", "Returned")
    REJECTED = "rejected", pgettext_lazy("approval step", "Rejected")
    VOID = "void", _("Void")


class ApprovalStep(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="steps")
    cycle = models.PositiveIntegerField(_("approval cycle"))
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("step"), max_length=16, choices=StepKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=StepStatus.choices, default=StepStatus.WAITING)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["document", "cycle", "order"]
        constraints = [models.UniqueConstraint(fields=["document", "cycle", "order"], name="approval_step_unique")]

    def __str__(self) -> str:
        return f"{self.document_id} {self.cycle}.{self.order} {self.kind}"


class ApprovalStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    PENDING = "pending", pgettext_lazy("approval", "Pending")
    DECIDED = "decided", _("Decided")
    VOID = "void", _("Void")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    RETURN = "return", _("Return for revision")
    REJECT = "reject", _("Reject")


class Approval(models.Model):
    """One approver's task on a step. A decision binds to the version it was taken on."""

    step = models.ForeignKey(ApprovalStep, on_delete=models.CASCADE, related_name="approvals")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.WAITING
    )
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    version = models.PositiveIntegerField(_("version decided"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["step", "id"]
        indexes = [models.Index(fields=["approver", "status"], name="approval_approver_status")]

    def __str__(self) -> str:
        return f"{self.step_id}:{self.approver_id}"

    def get_absolute_url(self) -> str:
        return reverse("documents:approval", args=[self.pk])


# --- Issuing: numbers and distribution ------------------------------------------------------------


class NumberCounter(models.Model):
    """The last number given per prefix and year. Issuing locks this row (never max()+1), so that
    numbers are gap-free and unique under concurrent issuing."""

    prefix = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("number counter")
        verbose_name_plural = _("number counters")
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="number_counter_unique")]

    def __str__(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.last}"


def copy_label(number: int | None) -> str:
    """份号 as GB/T 9704 prints it: six Arabic digits, 000001 ("" for none)."""
    return f"{number:06d}" if number else ""


class DistributionKind(models.TextChoices):
    MAIN = "main", _("Main recipient (主送)")
    CC = "cc", _("Copied to (抄送)")


class DistributionStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting receipt")
    RECEIVED = "received", _("Received")


class Distribution(models.Model):
    """An issued document sent to a department; its head (at the time) signs for it (签收)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="distributions")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=DistributionKind.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=16, choices=DistributionStatus.choices, default=DistributionStatus.PENDING
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The department's own numbered copy (份号, GB/T 9704 7.2.1) of a document issued with numbered
    # copies (every classified one): 1..N in distribution order, gap-free per document, its own
    # signed PDF and SHA-256 (the verification page recognises it). Null/blank otherwise.
    copy_number = models.PositiveIntegerField(_("copy number (份号)"), null=True, blank=True)
    copy_pdf = models.FileField(_("numbered copy"), upload_to="issued/%Y/", blank=True, max_length=200)
    copy_sha256 = models.CharField(_("SHA-256 of the numbered copy"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        ordering = ["document", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "department"], name="distribution_unique"),
            models.UniqueConstraint(
                fields=["document", "copy_number"],
                condition=Q(copy_number__isnull=False),
                name="distribution_copy_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "status"], name="distribution_recipient"),
            models.Index(fields=["department", "document"], name="distribution_department"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id}→{self.department_id}"

    def get_absolute_url(self) -> str:
        return reverse("documents:distribution", args=[self.pk])

    @property
    def copy_label(self) -> str:
        """份号 as printed: six digits ("" without a numbered copy)."""
        return copy_label(self.copy_number)


# --- Incoming documents (收文) --------------------------------------------------------------------


class IncomingStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    PROPOSED = "proposed", _("Handling proposed")
    INSTRUCTED = "instructed", _("Instructed")
    CLOSED = "closed", _("Completed")
    ARCHIVED = "archived", pgettext_lazy("incoming status", "Archived")


class IncomingDocument(models.Model):
    """A document received from another organ: 签收/登记 → 初审 → 拟办 → 批办 → 承办 → 传阅 → 办结 → 归档."""

    serial = models.CharField(_("registration number"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    sender_org = models.CharField(_("sender"), max_length=200)
    sender_number = models.CharField(_("sender's number"), max_length=60, blank=True)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("handle by"), null=True, blank=True)
    classification = models.CharField(
        _("classification"), max_length=16, choices=Classification.choices, default=Classification.INTERNAL
    )
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    body = models.TextField(_("summary or text"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=IncomingStatus.choices, default=IncomingStatus.REGISTERED
    )
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    # 初审: the office's check (right organ, rules, type and format); a failed check returns it.
    review_note = models.TextField(_("preliminary review"), blank=True)
    # None until checked; False when the check failed and the document was returned (closed).
    review_passed = models.BooleanField(_("passed the preliminary review"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    proposal = models.TextField(_("handling proposal (拟办)"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("instructing leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    instruction = models.TextField(_("instruction (批示)"), blank=True)
    instructed_at = models.DateTimeField(null=True, blank=True)
    lead_department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    matter = models.ForeignKey("affairs.Matter", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reply = models.TextField(_("reply (答复)"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("incoming document")
        verbose_name_plural = _("incoming documents")
        indexes = [
            models.Index(fields=["status", "-id"], name="incoming_status_id"),
            models.Index(fields=["received_on"], name="incoming_received"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:incoming_detail", args=[self.pk])


class IncomingAccess(models.Model):
    """Need-to-know on an incoming document: the leader asked, the readers, the handlers."""

    incoming = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, related_name="access")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=16, choices=AccessReason.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("incoming document access")
        verbose_name_plural = _("incoming document access")
        constraints = [models.UniqueConstraint(fields=["user", "incoming"], name="incoming_access_unique")]

    def __str__(self) -> str:
        return f"{self.incoming_id}:{self.user_id}"


class ReadingStatus(models.TextChoices):
    PENDING = "pending", _("Unread")
    READ = "read", _("Read")


class Reading(models.Model):
    """传阅: one leader's turn with an incoming document; 圈阅 with an optional remark."""

    incoming = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, related_name="readings")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=ReadingStatus.choices, default=ReadingStatus.PENDING)
    remark = models.TextField(_("remark"), blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("circulated reading")
        verbose_name_plural = _("circulated readings")
        ordering = ["incoming", "id"]
        indexes = [models.Index(fields=["reader", "status"], name="reading_reader_status")]

    def __str__(self) -> str:
        return f"{self.incoming_id}:{self.reader_id}"

    def get_absolute_url(self) -> str:
        return reverse("documents:reading", args=[self.pk])


class RegistryCounter(models.Model):
    """The last 收文 registration number per year (locked like ``NumberCounter``)."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("registry counter")
        verbose_name_plural = _("registry counters")

    def __str__(self) -> str:
        return f"{self.year}:{self.last}"


# --- Reading packets (阅件) -----------------------------------------------------------------------


class PacketStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    READ = "read", _("Read")


class ReadingPacket(models.Model):
    """Materials the office compiles for a leader to read: documents, incoming documents and files,
    with a cover note. The leader reads and remarks."""

    title = models.CharField(_("title"), max_length=200)
    cover_note = models.TextField(_("cover note"), blank=True)
    compiled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="reading_packets"
    )
    # The highest classification among its contents (a compilation carries the highest level).
    classification = models.CharField(
        _("classification"), max_length=16, choices=Classification.choices, default=Classification.INTERNAL
    )
    status = models.CharField(_("status"), max_length=16, choices=PacketStatus.choices, default=PacketStatus.SENT)
    remark = models.TextField(_("leader's remark"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reading packet")
        verbose_name_plural = _("reading packets")
        indexes = [models.Index(fields=["leader", "status"], name="packet_leader_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:packet_detail", args=[self.pk])


class PacketEntry(models.Model):
    """One item in a packet: a document or an incoming document, with an optional note."""

    packet = models.ForeignKey(ReadingPacket, on_delete=models.CASCADE, related_name="entries")
    order = models.PositiveSmallIntegerField(default=0)
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    incoming = models.ForeignKey(IncomingDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("packet entry")
        verbose_name_plural = _("packet entries")
        ordering = ["packet", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(document__isnull=False, incoming__isnull=True)
                | Q(document__isnull=True, incoming__isnull=False),
                name="packet_entry_one_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.packet_id}:{self.order}"
