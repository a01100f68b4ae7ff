"""Input limits, checked before anything is written so an oversized paste never replaces text."""

from __future__ import annotations

import re
from datetime import date

from assessor_app.evidence.errors import InvalidInput, TooLong

MAX_TEXT_CHARS = 200_000  # narratives, answers, feedback, action plans: ~60 pages of prose
MAX_SHORT_CHARS = 2_000  # titles, names, places, contact details


def check_text(label: str, value: str, limit: int = MAX_TEXT_CHARS) -> str:
    """Return `value` if it is a string within `limit` characters, else refuse with a message."""
    if not isinstance(value, str):
        raise InvalidInput(f"The {label} must be text.")
    if len(value) > limit:
        raise TooLong(
            f"The {label} is {len(value):,} characters long; the limit is {limit:,}. "
            "Nothing was changed: the existing text is kept. Shorten it or attach it as a file."
        )
    return value


def check_short(label: str, value: str) -> str:
    return check_text(label, value, MAX_SHORT_CHARS)


_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def typed_time(value: str | None) -> str | None:
    """A time as typed, in the form `check_time` accepts: "0930" → "09:30", "" → None; anything
    else is returned as it is, for `check_time` to accept or explain."""
    if not value:
        return None
    if len(value) == 4 and value.isdigit():
        return f"{value[:2]}:{value[2:]}"
    return value


def check_time(label: str, value: str | None) -> str | None:
    """"HH:MM" (24-hour) or None/empty for no time."""
    if value is None or value == "":
        return None
    if not _TIME.match(value):
        raise InvalidInput(f"The {label} must be a time like 09:30, not {value[:20]!r}.")
    return value


def parse_date(label: str, value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"The {label} must be a date like 2024-11-26, not {value[:20]!r}.") from None
