"""Pages of documents (routed at /documents/): one list of routes per stage, in ``views/``.

The ledger links work items to ``document_detail``, ``comment_request``, ``approval``,
``distribution``, ``incoming_detail``, ``reading`` and ``packet_detail`` (``DocumentsConfig.ready``).
"""

from .views import approval, comments, drafting, incoming, issuing, packets

app_name = "documents"
urlpatterns = [*drafting.urls, *comments.urls, *approval.urls, *issuing.urls, *incoming.urls, *packets.urls]
