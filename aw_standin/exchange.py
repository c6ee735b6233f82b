"""The request and response values passed between the socket layer and the endpoint handlers."""

from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import parse_qsl

FORM_TYPE = "application/x-www-form-urlencoded"


def parse_params(text: str) -> dict[str, list[str]]:
    """Parameters by lower-cased name: ASP.NET binds names without regard to case."""
    params: dict[str, list[str]] = {}
    for name, value in parse_qsl(text, keep_blank_values=True):
        params.setdefault(name.lower(), []).append(value)
    return params


@dataclass
class Request:
    method: str
    path: str  # percent-decoded, without the query
    target: str  # as sent on the request line, for messages that quote the URI
    query: dict[str, list[str]]
    headers: Message
    body: bytes
    connection_id: int

    def param(self, name: str) -> str | None:
        values = self.query.get(name.lower())
        return values[0] if values else None

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    @property
    def is_form(self) -> bool:
        return (self.header("Content-Type") or "").split(";")[0].strip().lower() == FORM_TYPE

    def form(self) -> dict[str, list[str]]:
        return parse_params(self.body.decode("utf-8", "replace")) if self.is_form else {}

    def absolute_uri(self) -> str:
        return f"http://{self.header('Host') or 'localhost'}{self.target}"


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
