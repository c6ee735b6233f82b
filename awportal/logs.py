"""Log formatting: plain lines by default, one JSON object a line with LOG_FORMAT=json.

The portal never hands a token, PIN or AdultWork query string to a logger (the client logs method
and path only; urllib3, which logs full URLs, is held at WARNING). Django does hand over the request
itself (django.request's 4xx and 5xx lines), whose repr carries the query string, and the OAuth
callback's carries the sign-in code: the JSON lines show a request as its method and path only.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest

# Attributes every LogRecord has; anything else was passed in `extra` and is kept.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def _without_query(value: Any) -> Any:
    return f"{value.method} {value.path}" if isinstance(value, HttpRequest) else value


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update((key, _without_query(value)) for key, value in vars(record).items() if key not in _STANDARD)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


FORMATTERS = {
    "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    "json": {"()": JsonFormatter},
}
