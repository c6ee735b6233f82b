"""Fault rules: misbehaviour the tests ask for, and the broken answers they produce."""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from .exchange import Response

DEFAULT_STATUS = {
    "error": 500,
    "html": 502,
    "malformed_json": 200,
    "empty": 200,
    "xml_error": 500,
    "rate_limit": 429,
    "slow": None,
    "late": None,
    "drop": None,
}
# Slow and late faults answer with the real answer and a drop with none, so none of them
# takes a status; those and an empty answer take no body.
_NO_STATUS = ("slow", "late", "drop")
_NO_BODY = ("slow", "late", "drop", "empty")
_DELAYED = ("slow", "late")
SLOW_DEFAULT_DELAY = 1.0

_FIELDS = {"match", "method", "kind", "status", "times", "every", "process", "delay", "retry_after", "body"}


@dataclass
class FaultRule:
    rule_id: int
    kind: str
    match: str | None
    method: str | None
    status: int | None
    times: int | None
    every: int
    process: bool
    delay: float
    retry_after: int | str | None
    body: Any
    matched: int = 0
    fired: int = 0

    def claims(self, method: str, path: str) -> bool:
        """Count a matching request and say whether this rule answers it."""
        lowered = path.lower()
        if self.match is None:
            if not (lowered.startswith("/v1/") or lowered == "/v1"):
                return False
        elif self.match.lower() not in lowered:
            return False
        if self.method is not None and self.method.upper() != method.upper():
            return False
        self.matched += 1
        if self.matched % self.every or (self.times is not None and self.fired >= self.times):
            return False
        self.fired += 1
        return True

    def as_json(self) -> dict:
        return {
            "id": self.rule_id,
            "kind": self.kind,
            "match": self.match,
            "method": self.method,
            "status": self.status,
            "times": self.times,
            "every": self.every,
            "process": self.process,
            "delay": self.delay,
            "retry_after": self.retry_after,
            "body": self.body,
            "matched": self.matched,
            "fired": self.fired,
        }


def _positive_int(data: dict, name: str, default: int | None) -> int | None:
    value = data.get(name)
    if value is None:
        return default
    if type(value) is int and value > 0:
        return value
    raise ValueError(f"{name} must be a positive integer")


def parse_rule(data: Any, rule_id: int) -> FaultRule:
    if not isinstance(data, dict):
        raise ValueError("a fault rule is a JSON object")
    unknown = set(data) - _FIELDS
    if unknown:
        raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
    kind = data.get("kind")
    if kind not in DEFAULT_STATUS:
        raise ValueError(f"kind must be one of {', '.join(DEFAULT_STATUS)}")
    for name in ("match", "method"):
        if not isinstance(data.get(name), (str, type(None))):
            raise ValueError(f"{name} must be a string")
    if kind in _NO_STATUS and data.get("status") is not None:
        raise ValueError(f"a {kind} fault takes no status")
    if kind in _NO_BODY and data.get("body") is not None:
        raise ValueError(f"a {kind} fault takes no body")
    status = data.get("status")
    if status is None:
        status = DEFAULT_STATUS[kind]
    if status is not None and not (type(status) is int and 200 <= status <= 599):
        raise ValueError("status must be an HTTP status code")
    delay = data.get("delay")
    if delay is None:
        delay = SLOW_DEFAULT_DELAY if kind in _DELAYED else 0
    if isinstance(delay, bool) or not isinstance(delay, (int, float)) or delay < 0:
        raise ValueError("delay must be a number of seconds")
    process = data.get("process")
    if process is None:
        process = False
    if not isinstance(process, bool):
        raise ValueError("process must be true or false")
    retry_after = data.get("retry_after")
    if not isinstance(retry_after, (int, str, type(None))) or isinstance(retry_after, bool):
        raise ValueError("retry_after must be seconds, an HTTP date or null")
    return FaultRule(
        rule_id=rule_id,
        kind=kind,
        match=data.get("match"),
        method=data.get("method"),
        status=status,
        times=_positive_int(data, "times", None),
        every=_positive_int(data, "every", 1),
        process=process,
        delay=float(delay),
        retry_after=retry_after,
        body=data.get("body"),
    )


class FaultBook:
    def __init__(self) -> None:
        self.rules: list[FaultRule] = []
        self._last_id = 0

    def add(self, data: Any) -> FaultRule:
        rule = parse_rule(data, self._last_id + 1)
        self._last_id += 1
        self.rules.append(rule)
        return rule

    def clear(self) -> None:
        self.rules.clear()

    def pick(self, method: str, path: str) -> FaultRule | None:
        return next((rule for rule in self.rules if rule.claims(method, path)), None)


def _override(body: Any, default: bytes) -> bytes:
    if body is None:
        return default
    if isinstance(body, str):
        return body.encode("utf-8")
    return json.dumps(body).encode("utf-8")


def _proxy_page(status: int) -> bytes:
    try:
        title = f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        title = str(status)
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    ).encode("ascii")


def answer(rule: FaultRule, run_handler: Callable[[], Response]) -> Response | None:
    """The broken answer to send, or None to drop the connection.

    For a slow fault the real handler runs before the delay, so by the time a client
    with a short timeout gives up, the effect (an album created) has already happened.
    A late fault is a queue in front of a busy server: the handler runs only after the
    delay, so a client that gave up, and looked right away, finds no effect yet.
    """
    real = run_handler() if rule.process or rule.kind == "slow" else None
    if rule.delay:
        time.sleep(rule.delay)
    if rule.kind == "slow":
        return real
    if rule.kind == "late":
        return run_handler()
    if rule.kind == "drop":
        return None
    json_type = "application/json; charset=utf-8"
    if rule.kind == "error":
        body = _override(rule.body, b'{"Message":"An error has occurred."}')
        response = Response(rule.status, body, json_type)
    elif rule.kind == "html":
        response = Response(rule.status, _override(rule.body, _proxy_page(rule.status)), "text/html")
    elif rule.kind == "malformed_json":
        whole = real.body if real is not None and len(real.body) > 1 else b'{"Message":"An error has occurred."}'
        response = Response(rule.status, _override(rule.body, whole[: len(whole) // 2]), json_type)
    elif rule.kind == "empty":
        response = Response(rule.status, b"", json_type)
    elif rule.kind == "xml_error":
        body = _override(rule.body, b"<Error><Message>An error has occurred.</Message></Error>")
        response = Response(rule.status, body, "application/xml; charset=utf-8")
    else:  # rate_limit
        body = _override(rule.body, b'{"Message":"API calls quota exceeded. Try again later."}')
        response = Response(rule.status, body, json_type)
    if rule.retry_after is not None:
        response.headers.append(("Retry-After", str(rule.retry_after)))
    return response
