"""A real SMTP server for the mail tests (aiosmtpd on a free port of 127.0.0.1)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from backend.config import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        return str(part.get_content()).replace("\r\n", "\n")  # type: ignore[attr-defined]


@dataclass
class Inbox:
    """What the server accepted, in order."""

    messages: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.recipients]

    def take(self) -> list[Received]:
        taken, self.messages = self.messages, []
        return taken


@dataclass
class SmtpServer:
    port: int
    inbox: Inbox
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def settings(self, url: str, **overrides: Any) -> Settings:
        """The settings of ``rammetal mail send`` against this server."""
        values: dict[str, Any] = {
            "database_url": url,
            "smtp_host": "127.0.0.1",
            "smtp_port": self.port,
            "smtp_timeout_seconds": 5,
            "mail_from": "Rammetal <noreply@rammetal.test>",
        }
        values.update(overrides)
        return Settings(**values)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A running SMTP server; ``smtp.stop()``/``smtp.start()`` take it down and up again."""
    server = SmtpServer(free_port(), Inbox())
    server.start()
    yield server
    server.stop()
