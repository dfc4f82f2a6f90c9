"""The ledger in ``manage.py seed_demo``: its items come from the apps that open them; it says
where to look once they are there."""

from .models import WorkItem, WorkItemStatus


def notes() -> list[str]:
    open_items = WorkItem.objects.filter(assignee__username="zhangwt", status=WorkItemStatus.OPEN).count()
    return [f"Try zhangwt (张文涛, {open_items} open item(s) on 我的工作台)."]
