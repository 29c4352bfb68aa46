"""Helpers for the metadata containers carry alongside a document (`Hints`)."""

from __future__ import annotations

from datetime import date, datetime
from email.utils import parsedate_to_datetime


def parse_date(value: str | None) -> datetime | date | None:
    """A date from ISO 8601 or RFC 2822 text; a `date` when no time is given, None if unreadable.

    >>> parse_date("2023-01-20")
    datetime.date(2023, 1, 20)
    >>> parse_date("Fri, 20 Jan 2023 13:04:00 GMT").isoformat()
    '2023-01-20T13:04:00+00:00'
    """
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) <= 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
