"""Patron PINs checked by the library's own system over SIP2 (Standard Interchange Protocol
version 2), which Koha, Evergreen, Sierra, Polaris and Symphony all speak.

With DISCLOSURE_SIP2_HOST set, the portal asks the library's system whether a card and PIN are
good, so patrons sign in with the PIN they already have. Two messages are used: Login (93/94)
to open the session as the library's SIP2 account, and Patron Information (63/64), whose
answer carries BL (valid patron) and CQ (valid patron password). Every message carries a
sequence number and checksum (AY/AZ) so that a garbled answer is not mistaken for a 'yes'."""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass
from datetime import datetime

TERMINATOR = b"\r"


class Sip2Unavailable(Exception):
    """The library's system did not answer, or answered something that is not SIP2."""


@dataclass(frozen=True)
class Sip2Settings:
    """Where the library's SIP2 service is and how this app signs in to it."""

    host: str
    port: int = 6001
    login: str = ""
    password: str = ""
    institution: str = ""
    location: str = ""
    tls: bool = False
    timeout: float = 10.0


def checksum(message: str) -> str:
    """The SIP2 checksum of everything up to and including 'AZ': the two's complement of the
    sum of the bytes, as four upper-case hex digits."""
    return f"{(-sum(message.encode('ascii', 'replace'))) & 0xFFFF:04X}"


def with_checksum(body: str, sequence: int) -> str:
    """`body` with its sequence number (AY) and checksum (AZ) appended."""
    head = f"{body}AY{sequence % 10}AZ"
    return head + checksum(head)


def fields(message: str, fixed_length: int) -> dict[str, str]:
    """The variable fields of an answer (two-letter code -> value) after its fixed part."""
    found: dict[str, str] = {}
    for part in message[fixed_length:].split("|"):
        if len(part) >= 2:
            found.setdefault(part[:2], part[2:])
    return found


def _valid_checksum(message: str) -> bool:
    at = message.rfind("AZ")
    return at >= 0 and message[at + 2 : at + 6].upper() == checksum(message[: at + 2])


def _clean(value: str) -> str:
    # A field value cannot hold the field separator or a line end; nobody's PIN needs them.
    return value.replace("|", "").replace("\r", "").replace("\n", "")


class Sip2Client:
    """One connection to the library's SIP2 service, for one question."""

    def __init__(self, settings: Sip2Settings) -> None:
        self.settings = settings
        self.sequence = 0

    def check_patron(self, card: str, pin: str, now: datetime) -> bool:
        """True when the library's system knows the card as a valid patron AND the PIN is
        right. Raises Sip2Unavailable when the system cannot be asked."""
        try:
            with self._connect() as connection:
                self._login(connection)
                answer = self._exchange(connection, self._patron_information(card, pin, now))
        except OSError as err:
            raise Sip2Unavailable(str(err)) from err
        if not answer.startswith("64"):
            raise Sip2Unavailable("the answer to Patron Information was not a 64 message")
        # 64 + status(14) + language(3) + date(18) + six counts of 4 = 61 fixed characters.
        answered = fields(answer, 61)
        return answered.get("BL") == "Y" and answered.get("CQ") == "Y"

    def _connect(self):
        s = self.settings
        raw = socket.create_connection((s.host, s.port), timeout=s.timeout)
        if not s.tls:
            return raw
        return ssl.create_default_context().wrap_socket(raw, server_hostname=s.host)

    def _login(self, connection) -> None:
        if not self.settings.login:
            return
        s = self.settings
        body = f"9300CN{_clean(s.login)}|CO{_clean(s.password)}|" + (
            f"CP{_clean(s.location)}|" if s.location else ""
        )
        answer = self._exchange(connection, body)
        if not answer.startswith("941"):
            raise Sip2Unavailable("the library's system refused this app's SIP2 login")

    def _patron_information(self, card: str, pin: str, now: datetime) -> str:
        s = self.settings
        return (
            f"63001{now:%Y%m%d}    {now:%H%M%S}{' ' * 10}"
            f"AO{_clean(s.institution)}|AA{_clean(card)}|AC{_clean(s.password)}|"
            f"AD{_clean(pin)}|"
        )

    def _exchange(self, connection, body: str) -> str:
        self.sequence += 1
        connection.sendall(with_checksum(body, self.sequence).encode("utf-8") + TERMINATOR)
        answer = _read_message(connection)
        if not _valid_checksum(answer):
            raise Sip2Unavailable("an answer from the library's system failed its checksum")
        return answer


def _read_message(connection) -> str:
    data = b""
    while not data.endswith(TERMINATOR):
        chunk = connection.recv(4096)
        if not chunk:
            raise Sip2Unavailable("the library's system closed the connection")
        data += chunk
        if len(data) > 64 * 1024:
            raise Sip2Unavailable("the answer from the library's system is too long")
    return data.rstrip(b"\r\n").decode("utf-8", "replace")
