"""Message-waiting for SIP phones: an unsolicited NOTIFY (Event: message-summary, RFC 3842).

pbx-core's pjsua2 has no API for an out-of-dialog request, and only kamailio knows where a phone
is registered, so kamailio sends it: the phone's contacts come from usrloc (`ul.dump`) and each
gets a NOTIFY through tm's `tm.t_uac_start` RPC. Most desk phones and softphones (pjsua,
Linphone, Yealink, Grandstream) light their lamp on an unsolicited message-summary. Calls to
kamcmd block, so they run on this module's thread, never on the engine loop. A phone that
registers later learns the state at the next change (no SUBSCRIBE support: no presence module).
"""

from __future__ import annotations

import logging
import queue
import threading
from pathlib import Path

from telephony.edge import KamailioRpc

log = logging.getLogger(__name__)


def summary_body(number: str, realm: str, new: int, old: int) -> str:
    """The application/simple-message-summary body for a mailbox."""
    waiting = "yes" if new else "no"
    return f"Messages-Waiting: {waiting}\r\nMessage-Account: sip:{number}@{realm}\r\nVoice-Message: {new}/{old} (0/0)\r\n"


class SipMwiSender:
    """Send message-summary NOTIFYs to every registered contact of a number, on a worker thread."""

    def __init__(self, ctl_socket: Path | str, rpc: KamailioRpc | None = None) -> None:
        self.rpc = rpc or KamailioRpc(ctl_socket)
        self.queue: queue.Queue[tuple[str, str, int, int] | None] = queue.Queue()
        self.sent = 0
        self.thread = threading.Thread(target=self._run, name="voicemail-mwi", daemon=True)
        self.thread.start()

    def submit(self, number: str, realm: str, new: int, old: int) -> None:
        self.queue.put((number, realm, new, old))

    def stop(self) -> None:
        self.queue.put(None)

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                return
            try:
                self.notify(*item)
            except Exception as exc:  # kamailio away or refusing: MWI is advisory, calls go on
                log.warning("MWI NOTIFY for %s not sent: %s", item[0], exc)

    def notify(self, number: str, realm: str, new: int, old: int) -> int:
        """NOTIFY each registered contact of `number`; return how many were sent."""
        contacts = [r["contact"] for r in self.rpc.registrations() if r["aor"].split("@")[0] == number]
        body = summary_body(number, realm, new, old)
        uri = f"sip:{number}@{realm}"
        headers = (
            f"From: <{uri}>;tag=mwi{number}\r\n"
            f"To: <{uri}>\r\n"
            "Event: message-summary\r\n"
            "Subscription-State: active\r\n"
            "Content-Type: application/simple-message-summary\r\n"
        )
        for contact in contacts:
            self.rpc.run("tm.t_uac_start", "NOTIFY", contact, ".", ".", headers, body)
            self.sent += 1
        log.info("MWI %d/%d for %s: NOTIFY to %d contact(s)", new, old, number, len(contacts))
        return len(contacts)
