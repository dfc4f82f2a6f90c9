"""Helpers of the bulletin tests: the office circulating through the service."""

from relations.bulletin_models import BulletinKind
from relations.bulletin_services import bulletin_circulate


def circulate(author, recipients, **fields):
    return bulletin_circulate(
        actor=author,
        title=fields.pop("title", "关于重点工作调整的决策通报"),
        body=fields.pop("body", "第一段。\n\n第二段。"),
        recipients=recipients,
        kind=fields.pop("kind", BulletinKind.DECISION),
        **fields,
    )
