"""Times of access rules: everything stored in UTC, meetings entered in Danish local time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from server.store.tables import utcnow

LOCAL = ZoneInfo("Europe/Copenhagen")

__all__ = ["LOCAL", "aware", "end_of_day", "iso", "local_text", "meeting_span", "utcnow"]


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def iso(moment: datetime | None) -> str | None:
    """A stored time as ISO 8601 with its zone (UTC), or None."""
    return aware(moment).isoformat() if moment is not None else None


def meeting_span(day: str, clock: str, minutes: int) -> tuple[datetime, datetime]:
    """Start and end (UTC) of a meeting given as ``YYYY-MM-DD``, ``HH:MM`` local time."""
    start = datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), LOCAL)
    start_utc = start.astimezone(UTC)
    return start_utc, start_utc + timedelta(minutes=minutes)


def end_of_day(day: str) -> datetime:
    """The end of ``YYYY-MM-DD`` in Danish time, as UTC (consent valid through that day)."""
    return datetime.combine(date.fromisoformat(day) + timedelta(days=1), time(), LOCAL).astimezone(
        UTC
    )


def local_text(moment: datetime) -> str:
    """``dd-mm-yyyy HH:MM:SS`` in Danish time, as shown to people and in CSV files."""
    return aware(moment).astimezone(LOCAL).strftime("%d-%m-%Y %H:%M:%S")
