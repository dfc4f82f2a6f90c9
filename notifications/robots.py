"""The chat-robot channel: notifications posted to 企业微信 / 钉钉 / 飞书 group robots (webhooks).

A person or a department routes chosen kinds of notification to a robot (``RobotRoute``). When a
notification is created, one ``RobotDelivery`` per robot is recorded in the same transaction (a
unique constraint: exactly once per notification and robot); a Celery task enqueued after commit
posts it, never the request. Posting claims the row first (``pending`` → ``sending``, a conditional
update), so a repeated task finds nothing to send. A passing failure (the robot's server
unreachable, an error answer) is retried with back-off, at most ``NOTIFICATION_MAX_ATTEMPTS``
times; the sweep (beat, every minute) re-sends pending rows whose nudge was lost, least-tried first.

A group is not a person: a classified (秘密 and above) notification's message names only its kind
and the link ("您有一件秘密级待办"), never its title, whoever is in the group.
"""

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, override

from . import delivery as email_delivery
from .models import DeliveryStatus, Notification, RobotDelivery, RobotPlatform, RobotRoute
from .presentation import language_of, link, present

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10


class RobotSendError(Exception):
    """The robot's server answered with an error (retried like a connection error)."""


def record(notifications: Sequence[Notification]) -> list[RobotDelivery]:
    """Record the robot posts new notifications need (one query for the routes) and nudge after commit."""
    if not notifications:
        return []
    people = {n.recipient_id for n in notifications}
    departments = {n.recipient.department_id for n in notifications if n.recipient.department_id}
    routes = list(
        RobotRoute.objects.filter(webhook__active=True)
        .filter(Q(user_id__in=people) | Q(department_id__in=departments))
        .values_list("webhook_id", "user_id", "department_id", "kinds")
    )
    if not routes:
        return []
    rows: list[RobotDelivery] = []
    for notification in notifications:
        webhooks = {
            webhook_id
            for webhook_id, user_id, department_id, kinds in routes
            if notification.kind in (kinds or [])
            and (
                user_id == notification.recipient_id
                or (department_id and department_id == notification.recipient.department_id)
            )
        }
        rows.extend(RobotDelivery(notification=notification, webhook_id=pk) for pk in sorted(webhooks))
    created = RobotDelivery.objects.bulk_create(rows)
    ids = [d.pk for d in created]
    if ids:
        transaction.on_commit(lambda: [enqueue(pk) for pk in ids])
    return created


def enqueue(delivery_id: int) -> bool:
    from .tasks import deliver_robot

    return email_delivery.hand_to_worker(deliver_robot, delivery_id)


def claim(delivery_id: int, *, now: datetime | None = None) -> bool:
    return email_delivery.claim_row(RobotDelivery, delivery_id, now=now)


# --- The message and each platform's shape -----------------------------------------------------


_MARKUP = str.maketrans("[]<>`*", "［］＜＞'＊")


def _plain(text: str) -> str:
    # Text people wrote must not turn into markdown links or markup in the group.
    return text.translate(_MARKUP)


def compose(notification: Notification) -> tuple[str, str]:
    """(headline, markdown) in the recipient's language; classified content masked."""
    recipient = notification.recipient
    present([notification], reader=recipient, mask_classified=True)
    with override(language_of(recipient)):
        headline = f"{notification.get_kind_display()}：{_plain(notification.shown_title)}"
        lines = [f"**{headline}**"]
        if notification.shown_body:
            lines.append(_plain(notification.shown_body))
        lines.append(f"[{gettext('Open it in Xietong')}]({link(notification)})")
    return headline, "\n\n".join(lines)


def dingtalk_sign(secret: str, timestamp: str) -> str:
    """钉钉加签: base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}")), URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def feishu_sign(secret: str, timestamp: str) -> str:
    """飞书签名校验: base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b""))."""
    digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def request_for(platform: str, url: str, secret: str, headline: str, text: str, *, now: float) -> tuple[str, dict]:
    """The address and JSON body of one post, in the platform's markdown shape (signed if a secret is set)."""
    if platform == RobotPlatform.WECOM:
        return url, {"msgtype": "markdown", "markdown": {"content": text}}
    if platform == RobotPlatform.DINGTALK:
        shape: dict[str, Any] = {"msgtype": "markdown", "markdown": {"title": headline, "text": text}}
        if secret:
            timestamp = str(int(now * 1000))
            glue = "&" if urllib.parse.urlsplit(url).query else "?"
            url = f"{url}{glue}timestamp={timestamp}&sign={dingtalk_sign(secret, timestamp)}"
        return url, shape
    if platform == RobotPlatform.FEISHU:
        body: dict[str, Any] = {
            "msg_type": "interactive",
            "card": {
                "header": {"title": {"tag": "plain_text", "content": headline}},
                "elements": [{"tag": "markdown", "content": text}],
            },
        }
        if secret:
            timestamp = str(int(now))
            body = {"timestamp": timestamp, "sign": feishu_sign(secret, timestamp), **body}
        return url, body
    raise ValueError(f"unknown robot platform {platform!r}")


def post(url: str, body: dict) -> None:
    """POST the JSON body; raise ``RobotSendError`` unless the robot answers success (errcode/code 0)."""
    data = json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310  (the URL is an administrator's http(s) webhook)
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
        raise ValueError("a robot webhook is an http(s) address")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = response.read(65536)
    except urllib.error.HTTPError as exc:
        raise RobotSendError(f"HTTP {exc.code}") from exc
    try:
        payload = json.loads(answer or b"{}")
    except ValueError as exc:
        raise RobotSendError("the robot did not answer JSON") from exc
    code = payload.get("errcode", payload.get("code", 0)) if isinstance(payload, dict) else 0
    if code not in (0, None):
        message = payload.get("errmsg") or payload.get("msg") or ""
        raise RobotSendError(f"robot error {code}: {message}"[:500])


def send_one(delivery_id: int) -> str:
    """Claim, post and mark one delivery: "sent", "skipped" (not claimable) or "failed" (for good);
    raises on a failure worth another try."""
    if not claim(delivery_id):
        return "skipped"
    row = RobotDelivery.objects.select_related("notification__recipient", "webhook").get(pk=delivery_id)
    webhook = row.webhook
    try:
        if not webhook.active:
            raise ValueError("the robot was deactivated")
        headline, text = compose(row.notification)
        url, body = request_for(webhook.platform, webhook.url, webhook.secret, headline, text, now=time.time())
        post(url, body)
    except Exception as exc:
        if email_delivery.record_failure(RobotDelivery, [delivery_id], exc, row.attempts, now=timezone.now()):
            logger.error("Robot delivery %s failed for good: %s", delivery_id, exc)
            return "failed"
        raise
    RobotDelivery.objects.filter(pk=delivery_id).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), next_attempt_at=None
    )
    return "sent"


def dispatch_unsent(*, now: datetime | None = None, limit: int = 500) -> int:
    """Re-enqueue posts whose nudge was lost, whose worker died, or whose back-off has passed."""
    now = now or timezone.now()
    grace = now - timedelta(seconds=30)  # leave fresh rows to their own on_commit nudge
    ids = list(
        RobotDelivery.objects.filter(
            Q(status=DeliveryStatus.PENDING, created_at__lt=grace)
            | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - email_delivery.claim_timeout())
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("attempts", "created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(enqueue(pk) for pk in ids)
