"""A tiny SMTP receiver for tests (the stdlib `smtpd` is gone and aiosmtpd is not a dependency).

Speaks just what smtplib's send_message needs: EHLO/HELO, MAIL, RCPT, DATA (dot-unstuffed),
RSET, NOOP, QUIT. Every accepted mail is kept as (mail_from, rcpt_tos, raw bytes).
"""

from __future__ import annotations

import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def _send(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        server: SmtpReceiver = self.server  # type: ignore[assignment]
        self._send("220 test-smtp ready")
        mail_from, rcpts = "", []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode(errors="replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb == "EHLO":
                self._send("250-test-smtp")
                self._send("250 8BITMIME")
            elif verb == "HELO":
                self._send("250 test-smtp")
            elif verb == "MAIL":
                mail_from, rcpts = line.partition(":")[2].strip(), []
                self._send("250 OK")
            elif verb == "RCPT":
                rcpts.append(line.partition(":")[2].strip())
                self._send("250 OK")
            elif verb == "DATA":
                self._send("354 end with <CRLF>.<CRLF>")
                body = bytearray()
                while True:
                    chunk = self.rfile.readline()
                    if not chunk or chunk in (b".\r\n", b".\n"):
                        break
                    body += chunk[1:] if chunk.startswith(b"..") else chunk
                with server.lock:
                    server.mails.append((mail_from, rcpts, bytes(body)))
                self._send("250 queued")
            elif verb in ("RSET", "NOOP"):
                self._send("250 OK")
            elif verb == "QUIT":
                self._send("221 bye")
                return
            else:
                self._send("502 not implemented")


class SmtpReceiver(socketserver.ThreadingTCPServer):
    """Listen on 127.0.0.1 (a free port) until close(); `mails` holds what arrived."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mails: list[tuple[str, list[str], bytes]] = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever, name="test-smtp", daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def close(self) -> None:
        self.shutdown()
        self.server_close()
