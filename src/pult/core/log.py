"""Logging filters named in settings.LOGGING."""

from __future__ import annotations

import logging


class ForbiddenOnOneLine(logging.Filter):
    """A refused request (403) is one line in the log, not a traceback.

    django.request logs "Forbidden (Permission denied): /path" with the PermissionDenied
    it caught, so every denied page printed a dozen lines of a stack that holds nothing
    to fix: the refusal is the product working. The path and status stay; a 500 keeps
    its traceback (this filter looks at 403s only).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
