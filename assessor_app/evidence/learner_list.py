"""The learner list (name, registration, employer, % met), read without the ORM.

It is the desktop app's first screen: read through a plain SQLCipher connection
(`store.raw.read_only`), it shows before SQLAlchemy, SQLModel and pydantic load (tests/gui/
test_startup_imports.py checks that). The progress counts come from `evidence_coverage` (kept
by triggers, see `evidence.coverage`) with the same SQL the coverage module uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from assessor_app.store.raw import read_only

if TYPE_CHECKING:
    from assessor_app.store import Store


@dataclass(frozen=True)
class Counts:
    total: int = 0
    unevidenced: int = 0
    evidenced: int = 0
    met: int = 0

    @property
    def met_fraction(self) -> float:
        return self.met / self.total if self.total else 0.0


@dataclass(frozen=True)
class LearnerRow:
    """A learner's details as listed (the columns of `store.models.Learner` the list and the
    CLI show)."""

    id: int
    name: str
    registration: str
    employer: str = ""
    line_manager: str = ""
    line_manager_email: str = ""
    uln: str = ""


@dataclass(frozen=True)
class LearnerSummary:
    learner: LearnerRow
    counts: Counts  # criteria over all enrolled units

    @property
    def percent_met(self) -> int:
        return round(100 * self.counts.met_fraction)


#: Per learner: criteria of the enrolled units' versions, how many are met (latest judgement)
#: and how many more have live evidence. Also run through SQLAlchemy by `learner_progress`.
PROGRESS_SQL = """
WITH crit AS (
    SELECT en.learner_id, j.state AS judgement,
           coalesce(cov.evidence_count, 0) > 0 AS has_evidence
    FROM enrolment AS en JOIN criterion AS c ON c.version_id = en.unit_version_id
    LEFT JOIN evidence_coverage AS cov
           ON cov.learner_id = en.learner_id AND cov.criterion_id = c.id
    LEFT JOIN judgement AS j ON j.id = cov.judgement_id
)
SELECT l.id AS learner_id,
       count(crit.learner_id) AS total,
       count(*) FILTER (WHERE crit.judgement = 'met') AS met,
       count(*) FILTER (WHERE crit.judgement IS NOT 'met' AND crit.has_evidence) AS evidenced
FROM learner AS l
LEFT JOIN crit ON crit.learner_id = l.id
GROUP BY l.id
"""

_LEARNERS_SQL = ("SELECT id, name, registration, employer, line_manager, line_manager_email, uln"
                 " FROM learner{where} ORDER BY name, id")
# SQLAlchemy's `ilike` on SQLite: lower() on both sides (ASCII case only, as LIKE itself).
_SEARCH = (" WHERE lower(name) LIKE lower(:like) OR lower(registration) LIKE lower(:like)"
           " OR lower(employer) LIKE lower(:like)")


def counts_from_row(total: int, met: int, evidenced: int) -> Counts:
    return Counts(total, total - met - evidenced, evidenced, met)


def list_learners(store: Store, *, search: str = "") -> list[LearnerSummary]:
    """All learners by name with their progress; `search` filters on name, registration or
    employer (case-insensitive substring). One read-only snapshot, no ORM."""
    text = search.strip()
    params = {"like": f"%{text}%"} if text else {}
    with read_only(store) as conn:
        learners = conn.execute(_LEARNERS_SQL.format(where=_SEARCH if text else ""),
                                params).fetchall()
        progress = {lid: counts_from_row(total, met, evidenced)
                    for lid, total, met, evidenced in conn.execute(PROGRESS_SQL)}
    return [LearnerSummary(LearnerRow(*row), progress.get(row[0], Counts())) for row in learners]
