"""The awarding body's retention rule: records kept at least N years after achievement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from assessor_app.store.models import SignOff
from assessor_app.store.settings import get_setting

RETENTION_SETTING = "privacy.retention_years"
DEFAULT_YEARS = 3
RULE = ("OCR requires centres to keep learners' assessment records for at least {years} years "
        "after achievement.")


@dataclass(frozen=True)
class Retention:
    years: int
    achieved_on: date | None  # last completed sign-off; None: nothing achieved yet
    today: date

    @property
    def keep_until(self) -> date | None:
        if self.achieved_on is None:
            return None
        try:
            return self.achieved_on.replace(year=self.achieved_on.year + self.years)
        except ValueError:  # 29 February
            return self.achieved_on.replace(year=self.achieved_on.year + self.years, day=28)

    @property
    def past(self) -> bool:
        """The retention period is over: erasing breaks no awarding-body rule."""
        return self.keep_until is not None and self.keep_until <= self.today

    def explain(self) -> str:
        rule = RULE.format(years=self.years)
        if self.achieved_on is None:
            return (f"{rule} This learner has no completed sign-off yet, so the period has not "
                    "started; check with your centre before erasing.")
        state = ("PAST the retention period: may be erased." if self.past
                 else "still WITHIN the retention period: erase only if your centre agrees.")
        return (f"{rule} Last achievement {self.achieved_on.isoformat()}; keep until "
                f"{self.keep_until.isoformat() if self.keep_until else '?'}. This learner is "
                f"{state}")


def retention_years(session: Session) -> int:
    value = get_setting(session, RETENTION_SETTING, str(DEFAULT_YEARS))
    try:
        return max(0, int(value))
    except ValueError:
        return DEFAULT_YEARS


def retention_for(session: Session, learner_id: int, today: date | None = None) -> Retention:
    last = session.exec(
        select(SignOff.completed_at).where(SignOff.learner_id == learner_id,
                                           col(SignOff.completed_at).is_not(None))
        .order_by(col(SignOff.completed_at).desc())).first()
    achieved = last.date() if isinstance(last, datetime) else None
    return Retention(retention_years(session), achieved, today or date.today())
