"""JSON log lines that carry the request id and never personal data.

Request logs name the route, not the query string: URLs could otherwise carry identifiers."""

import contextvars
import json
import logging
import time

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "tongban_request_id", default=None
)


def current_request_id() -> str | None:
    return _request_id.get()


def bind_request_id(value: str | None) -> contextvars.Token:
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token) -> None:
    _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extra fields."""

    EXTRA_FIELDS = ("method", "route", "status", "duration_ms", "worker_id", "task")

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for field in self.EXTRA_FIELDS:
            if hasattr(record, field):
                line[field] = getattr(record, field)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)
