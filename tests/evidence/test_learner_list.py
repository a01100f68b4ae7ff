"""The learner list read without the ORM (`evidence.learner_list`): the same learners, order,
search and progress as the ORM's own reads of the same tables."""

from __future__ import annotations

from sqlmodel import col, select

from assessor_app.evidence import add_learner, create_evidence, enrol, learner_coverage
from assessor_app.evidence import record_judgement as judge
from assessor_app.evidence.learner_list import LearnerRow, list_learners
from assessor_app.store import Store
from assessor_app.store.models import Learner


def _orm_rows(store: Store) -> list[LearnerRow]:
    with store.read_session() as s:
        learners = s.exec(select(Learner).order_by(col(Learner.name), col(Learner.id))).all()
    return [LearnerRow(lr.id or 0, lr.name, lr.registration, lr.employer, lr.line_manager,
                       lr.line_manager_email, lr.uln) for lr in learners]


def test_rows_and_order_match_the_orm(store: Store, world) -> None:  # noqa: ANN001
    add_learner(store, "anna Bell", "R3", employer="Bakery", uln="1234567890")
    add_learner(store, "Anna Bell", "R2")  # same name: then by id
    add_learner(store, "Zed Young", "r9", line_manager="Kim", line_manager_email="k@e.com")
    rows = [s.learner for s in list_learners(store)]
    assert rows == _orm_rows(store)
    assert [r.name for r in rows] == ["Anna Bell", "Priya Shah", "Zed Young", "anna Bell"]


def test_search_is_a_case_insensitive_substring_of_name_registration_or_employer(
        store: Store, world) -> None:  # noqa: ANN001
    add_learner(store, "Tom Okafor", "X-77", employer="Harbour Café")
    add_learner(store, "Uma Patel", "R2002", employer="Shop")

    def found(text: str) -> list[str]:
        return [s.learner.name for s in list_learners(store, search=text)]

    assert found("okaf") == ["Tom Okafor"]
    assert found("x-7") == ["Tom Okafor"]
    assert found("HARBOUR") == ["Tom Okafor"]
    assert found("shop") == ["Priya Shah", "Uma Patel"]  # "Corner Shop" and "Shop"
    assert found("  ") == ["Priya Shah", "Tom Okafor", "Uma Patel"]
    assert found("nobody") == []


def test_progress_matches_the_learners_coverage(store: Store, world) -> None:  # noqa: ANN001
    lid = world.learner.id
    create_evidence(store, lid, "observation", text="x", criteria=["K/503/8194:1.1"])
    create_evidence(store, lid, "observation", text="y", criteria=["K/503/8194:1.2"])
    judge(store, lid, "K/503/8194:1.2", "met", actor="A")
    other = add_learner(store, "New Starter", "R2000")
    enrol(store, other.id, "H/601/1232")
    summaries = {s.learner.id: s for s in list_learners(store)}
    assert summaries[lid].counts == learner_coverage(store, lid).counts
    assert (summaries[lid].counts.met, summaries[lid].counts.evidenced) == (1, 1)
    assert summaries[lid].percent_met == round(100 / summaries[lid].counts.total)
    assert summaries[other.id].counts == learner_coverage(store, other.id).counts
    assert summaries[other.id].counts.total == 3 and summaries[other.id].percent_met == 0


def test_a_damaged_file_under_the_orm_free_read_is_a_one_line_error() -> None:
    import sqlcipher3.dbapi2 as sqlcipher

    from assessor_app.store.failures import describe_failure

    message = describe_failure(sqlcipher.DatabaseError("database disk image is malformed"))
    assert message is not None and "database disk image is malformed" in message
    assert describe_failure(sqlcipher.OperationalError("database is locked")) == \
        describe_failure(sqlcipher.OperationalError("database is busy"))
