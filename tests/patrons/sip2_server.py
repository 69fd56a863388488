"""A small SIP2 server for the tests, written from the protocol's description and sharing no
code with disclosure/patrons/sip2.py: it keeps its own patrons, checks every checksum it
receives, and answers Login (93 -> 94) and Patron Information (63 -> 64)."""

from __future__ import annotations

import socketserver
import threading
from datetime import datetime


def _sum_check(text: str) -> str:
    total = 0
    for byte in text.encode("ascii"):
        total = (total + byte) & 0xFFFF
    return "%04X" % ((0x10000 - total) & 0xFFFF)


def _checked(text: str) -> bool:
    head, found = text[:-4], text[-4:]
    return head.endswith("AZ") and _sum_check(head) == found.upper()


def _variable_fields(text: str) -> dict[str, str]:
    out = {}
    for piece in text.split("|"):
        if len(piece) >= 2:
            out[piece[:2]] = piece[2:]
    return out


class Sip2Server:
    """Start with start(); .port is where it listens. `patrons` maps card -> (PIN, name);
    `accounts` maps SIP2 login -> password. Every message received is kept in `received`."""

    def __init__(self, patrons: dict, accounts: dict) -> None:
        self.patrons, self.accounts, self.received = patrons, accounts, []
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                signed_in = not outer.accounts
                buffer = b""
                while True:
                    chunk = self.request.recv(1024)
                    if not chunk:
                        return
                    buffer += chunk
                    while b"\r" in buffer:
                        line, buffer = buffer.split(b"\r", 1)
                        text = line.decode("ascii")
                        outer.received.append(text)
                        reply, signed_in = outer.answer(text, signed_in)
                        self.request.sendall(reply.encode("ascii") + b"\r")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]

    def answer(self, text: str, signed_in: bool) -> tuple[str, bool]:
        """The reply to one message, and whether the session is signed in afterwards."""
        if not _checked(text):
            return "96", signed_in  # 'please resend', as the protocol asks on a bad checksum
        sequence = text[text.rindex("AY") + 2]
        body = text[: text.rindex("AY")]
        if body.startswith("93"):
            given = _variable_fields(body[4:])
            ok = self.accounts.get(given.get("CN")) == given.get("CO")
            return self._sign(f"94{'1' if ok else '0'}", sequence), ok
        if body.startswith("63") and signed_in:
            return self._sign(self._patron_information(body), sequence), signed_in
        return self._sign("96", sequence), signed_in

    def _patron_information(self, body: str) -> str:
        given = _variable_fields(body[2 + 3 + 18 + 10 :])
        card, pin = given.get("AA", ""), given.get("AD", "")
        known = card in self.patrons
        right_pin = known and self.patrons[card][0] == pin
        name = self.patrons[card][1] if known else ""
        status = " " * 14
        now = datetime(2026, 12, 2, 9, 30).strftime("%Y%m%d    %H%M%S")
        counts = "0000" * 6
        return (
            f"64{status}001{now}{counts}AO{given.get('AO', '')}|AA{card}|AE{name}|"
            f"BL{'Y' if known else 'N'}|CQ{'Y' if right_pin else 'N'}|"
        )

    @staticmethod
    def _sign(text: str, sequence: str) -> str:
        head = f"{text}AY{sequence}AZ"
        return head + _sum_check(head)

    def start(self) -> None:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
