"""Exponential backoff with jitter for transient failures, so many laptops don't retry in step."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=2)


def retry_delay(
    attempts: int,
    *,
    base: timedelta = BASE_DELAY,
    cap: timedelta = MAX_DELAY,
    rng: random.Random | None = None,
) -> timedelta:
    """Delay before attempt `attempts + 1`: base·2^(attempts−1), capped, "equal jitter" (½–1×)."""
    n = max(1, attempts)
    ceiling = min(cap.total_seconds(), base.total_seconds() * 2 ** min(n - 1, 30))
    r = rng or random
    return timedelta(seconds=ceiling / 2 + r.uniform(0, ceiling / 2))


def next_attempt_at(attempts: int, now: datetime, *, rng: random.Random | None = None) -> datetime:
    return now + retry_delay(attempts, rng=rng)
