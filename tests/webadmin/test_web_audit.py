"""The audit log page: newest first, paged, translated, escaped."""

from __future__ import annotations

import datetime as dt
import re

from telephony.models import AuditLog
from webadmin.services import audit


def test_audit_page_lists_actions_newest_first_and_pages(admin):
    base = dt.datetime(2025, 1, 1)
    for n in range(60):
        AuditLog.create(
            time=base + dt.timedelta(minutes=n),
            username="boss",
            action="extension.update",
            target=f"t{n:03d}",
        )
    first = admin.get("/audit").text
    targets = re.findall(r'<td class="mono">(t\d{3})</td>', first)
    # Newest: the setup and login rows of the fixture (written now), then t059 downwards.
    assert targets[:3] == ["t059", "t058", "t057"]
    assert first.index("login") < first.index("t059")
    assert "extension changed" in first
    second = admin.get("/audit?page=2").text
    assert re.findall(r'<td class="mono">(t\d{3})</td>', second) == [f"t{n:03d}" for n in range(11, -1, -1)]
    assert "62 in total" in second


def test_audit_rows_are_escaped(admin):
    audit.record("login.failed", username="<script>u</script>", target="<i>x</i>", remote_addr="192.0.2.1")
    text = admin.get("/audit").text
    assert "<script>u" not in text and "<i>x" not in text
    assert "failed login" in text
