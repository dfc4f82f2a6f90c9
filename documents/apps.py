"""Official documents (公文): outgoing and incoming workflows, comment collection, approval, issuing."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from workload import processes, targets

        from . import search
        from . import selectors as s
        from .models import Approval, CommentRequest, Distribution, Document, IncomingDocument, Reading, ReadingPacket

        # Each target type's page and its one visibility rule: rows derived from a document
        # (a comment request, an approval, a distribution) follow the document's rule.
        targets.register(Document, "documents:document_detail", visible=lambda user: s.document_visibility(user))
        targets.register(
            CommentRequest, "documents:comment_request", visible=lambda user: s.comment_requests_visible(user=user)
        )
        targets.register(Approval, "documents:approval", visible=lambda user: s.approvals_visible(user=user))
        targets.register(
            Distribution, "documents:distribution", visible=lambda user: s.distributions_visible(user=user)
        )
        targets.register(
            IncomingDocument, "documents:incoming_detail", visible=lambda user: s.incoming_visibility(user)
        )
        targets.register(Reading, "documents:reading", visible=lambda user: s.readings_visible(user=user))
        targets.register(ReadingPacket, "documents:packet_detail", visible=lambda user: s.packet_visibility(user))
        # The step of an approval item (核稿 / 会签 / 审核 / 签发), for the dashboards' latency per step.
        processes.register_steps(Approval, step=s.approval_step_of_item, labels=s.approval_step_labels)
        # What of them the search box finds (workload.search); visibility is the rule above.
        search.register()

        # The approval chain's notification messages are registered when its service is imported.
        from .services import approval  # noqa: F401
