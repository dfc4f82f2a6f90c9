"""Ledger events, sent inside the service's transaction (notifications listen)."""

from django.dispatch import Signal

# item: WorkItem
workitem_opened = Signal()
# item: WorkItem (now with the new assignee); previous_assignee: User; actor: User | None
workitem_reassigned = Signal()
# items: list[WorkItem]; actor: User | None; reason: str
workitems_cancelled = Signal()
