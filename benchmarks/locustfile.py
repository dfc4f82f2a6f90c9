"""Locust users of ``make load`` (benchmarks/load.py runs them headless): a day's mix in the portal.

``OfficeWorker`` logs in through the login page as a generated person (``gen…``, password
``bench12345``, benchmarks/generate.py) and then, weighted like a working day: opens the desk
(我的工作台), the lists (documents, matters, meetings, notifications), document and meeting pages,
reports progress on a matter they lead (a comment on the matter's timeline), answers a comment
request or decides an approval that is theirs, and books a meeting room. ``MinimalUser`` and
``DeskUser`` measure the baseline ratio (the desk against a minimal login-required view).

Refusals the domain gives under concurrent use are not errors: a booking that clashes (409, the
room was taken), an approval or a comment request already decided by the time it is sent (409).
Anything else that is not 2xx/3xx is a failure.
"""

import itertools
import json
import os
import random
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "bench12345")
PEOPLE = int(os.environ.get("LOAD_PEOPLE", "50"))
TZ = ZoneInfo(os.environ.get("TIME_ZONE", "Asia/Shanghai"))
EXPECTED_REFUSALS = {409}


def _sessions() -> list[dict[str, str]]:
    """Logins made before the run (benchmarks/load.py, LOAD_SESSIONS): one per simulated person."""
    path = os.environ.get("LOAD_SESSIONS")
    return json.loads(Path(path).read_text()) if path else []


SESSIONS = _sessions()
_next_session = itertools.count()


class LoggedIn(HttpUser):
    abstract = True

    def on_start(self) -> None:
        if SESSIONS:
            # Already logged in (the driver's warm-up): the figures are those of the day's work,
            # not of fifty password hashes at the same second.
            session = SESSIONS[next(_next_session) % len(SESSIONS)]
            self.username = session["username"]
            for name in ("sessionid", "csrftoken"):
                self.client.cookies.set(name, session[name])
        else:
            self.log_in(f"gen{random.randint(1, PEOPLE):05d}")
        self.client.headers["X-CSRFToken"] = self.client.cookies.get("csrftoken", "")

    def log_in(self, username: str) -> None:
        self.username = username
        page = self.client.get("/accounts/login/", name="login page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if token is None:
            raise RuntimeError("no CSRF token on the login page")
        with self.client.post(
            "/accounts/login/",
            data={"csrfmiddlewaretoken": token.group(1), "username": username, "password": PASSWORD},
            name="login",
            catch_response=True,
        ) as answer:
            if "/accounts/login/" in answer.url:
                answer.failure(f"login refused for {username}")

    def api(self, path: str, name: str) -> Any:
        answer = self.client.get(path, name=name)
        return answer.json() if answer.status_code == 200 else {}

    def write(self, path: str, body: dict[str, Any], name: str) -> None:
        with self.client.post(path, json=body, name=name, catch_response=True) as answer:
            if answer.status_code in EXPECTED_REFUSALS or answer.ok:
                answer.success()
            else:
                answer.failure(f"{answer.status_code}: {answer.text[:200]}")


class OfficeWorker(LoggedIn):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        super().on_start()
        self.documents = [d["id"] for d in self.api("/api/v1/documents/", "api: documents").get("results", [])]
        self.meetings = [m["id"] for m in self.api("/api/v1/meetings/", "api: meetings").get("results", [])]
        self.rooms = [r["id"] for r in self.api("/api/v1/rooms/", "api: rooms").get("results", [])]
        self.refresh_work()

    def refresh_work(self) -> None:
        items = self.api("/api/v1/work-items/?status=open", "api: work items").get("results", [])
        self.matters = [i["target"]["id"] for i in items if i["kind"] == "matter" and _target(i) == "matter"]
        self.comment_requests = [i["target"]["id"] for i in items if _target(i) == "comment_request"]
        pending = self.api("/api/v1/approvals/?status=pending", "api: approvals").get("results", [])
        self.approvals = [a["id"] for a in pending]

    @task(10)
    def desk(self) -> None:
        self.client.get("/", name="desk")

    @task(6)
    def lists(self) -> None:
        path = random.choice(["/documents/", "/affairs/matters/", "/meetings/", "/notifications/", "/meetings/rooms/"])
        self.client.get(path, name=f"list {path}")

    @task(5)
    def document_page(self) -> None:
        if self.documents:
            self.client.get(f"/documents/{random.choice(self.documents)}/", name="document page")

    @task(4)
    def meeting_page(self) -> None:
        if self.meetings:
            self.client.get(f"/meetings/{random.choice(self.meetings)}/", name="meeting page")

    @task(2)
    def comment(self) -> None:
        """A progress report on a matter the person leads, or an answer to a comment request."""
        if self.comment_requests:
            request = self.comment_requests.pop()
            body = {"stance": "agree_with_changes", "opinions": [{"text": "建议第二段补充时间安排。"}]}
            self.write(f"/api/v1/comment-requests/{request}/respond/", body, "comment request: respond")
        elif self.matters:
            matter = random.choice(self.matters)
            self.write(f"/api/v1/matters/{matter}/progress/", {"text": "已召开专题会，正在推进。"}, "matter: progress")

    @task(2)
    def approve(self) -> None:
        if not self.approvals:
            self.refresh_work()
        if self.approvals:
            approval = self.approvals.pop()
            self.write(
                f"/api/v1/approvals/{approval}/decide/", {"decision": "approve", "opinion": "同意"}, "approval: decide"
            )

    @task(1)
    def book(self) -> None:
        if not self.rooms:
            return
        day = datetime.now(TZ).date() + timedelta(days=random.randint(120, 360))
        start = datetime(day.year, day.month, day.day, random.randint(9, 16), random.choice([0, 30]), tzinfo=TZ)
        body = {
            "title": "负载测试会议",
            "room": random.choice(self.rooms),
            "start": start.isoformat(),
            "end": (start + timedelta(minutes=30)).isoformat(),
            "attendees": [],
        }
        self.write("/api/v1/meetings/", body, "meeting: book")


class MinimalUser(LoggedIn):
    """The baseline: a minimal login-required Django view (benchmarks/urls.py), as fast as it goes."""

    @task
    def minimal(self) -> None:
        self.client.get("/bench/minimal/", name="minimal view")


class DeskUser(LoggedIn):
    """The desk alone, as fast as it goes, to compare with ``MinimalUser``."""

    @task
    def desk(self) -> None:
        self.client.get("/", name="desk")


def _target(item: dict[str, Any]) -> str | None:
    """The type of a work item's target (generated ledger rows of other kinds point at matters)."""
    return item["target"]["type"] if item.get("target") else None
