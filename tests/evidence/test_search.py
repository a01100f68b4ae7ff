"""Full-text search: ranked with bm25, snippets, questioning text, kept in step by triggers."""

from __future__ import annotations

from sqlalchemy import text

from assessor_app.evidence import (
    QA,
    Witness,
    add_learner,
    add_question,
    create_evidence,
    delete_evidence,
    enrol,
    remove_question,
    restore_evidence,
    search_evidence,
    set_evidence_field,
    set_question_field,
    update_evidence_text,
)
from assessor_app.evidence.search import fts_query


def ids(hits) -> list[int]:
    return [h.evidence_id for h in hits]


def test_more_relevant_item_first_with_snippet(store, world) -> None:
    lid = world.learner.id
    passing = create_evidence(store, lid, "observation",
                              text="Tidied the shelves, then briefly mentioned a complaint.")
    focused = create_evidence(store, lid, "observation", title="Complaint handling",
                              text="Handled the customer complaint calmly; logged the complaint "
                                   "and followed the complaints procedure.")
    create_evidence(store, lid, "observation", text="Restocked the chilled cabinet.")
    hits = search_evidence(store, lid, "complaint")
    assert ids(hits) == [focused.evidence_id, passing.evidence_id]
    assert hits[0].score < hits[1].score
    assert "[complaint]" in hits[0].snippet.lower()
    assert hits[0].ref == "OBS-2"


def test_questioning_and_witness_text_are_searchable(store, world) -> None:
    lid = world.learner.id
    qa = create_evidence(store, lid, "questioning",
                         questions=[QA("How do you segment customers?", "By loyalty card data")])
    wit = create_evidence(store, lid, "witness", text="Saw it",
                          witness=Witness("Jo Bloggs", "Shift supervisor",
                                                   "Supervisor", "01234 567890"))
    assert ids(search_evidence(store, lid, "loyalty")) == [qa.evidence_id]
    assert ids(search_evidence(store, lid, "segmentation")) == [qa.evidence_id]  # porter stem
    assert ids(search_evidence(store, lid, "supervisor")) == [wit.evidence_id]

    row = add_question(store, qa.evidence_id, "What is upselling?", "Offering extras")
    assert ids(search_evidence(store, lid, "upselling")) == [qa.evidence_id]
    set_question_field(store, row.row_id, "answer", "Suggesting a premium option")
    assert search_evidence(store, lid, "extras") == []
    assert ids(search_evidence(store, lid, "premium")) == [qa.evidence_id]
    remove_question(store, row.row_id)
    assert search_evidence(store, lid, "premium") == []
    assert ids(search_evidence(store, lid, "loyalty")) == [qa.evidence_id]


def test_edits_deletes_and_prefixes(store, world) -> None:
    lid = world.learner.id
    item = create_evidence(store, lid, "observation", text="Greeted customers warmly")
    update_evidence_text(store, item.evidence_id, "Processed refunds accurately")
    assert search_evidence(store, lid, "greeted") == []
    assert ids(search_evidence(store, lid, "refund")) == [item.evidence_id]
    assert ids(search_evidence(store, lid, "refu")) == [item.evidence_id]  # typing: prefix
    set_evidence_field(store, item.evidence_id, "title", "Till work")
    assert ids(search_evidence(store, lid, "till")) == [item.evidence_id]
    delete_evidence(store, item.evidence_id)
    assert search_evidence(store, lid, "refunds") == []
    restore_evidence(store, item.evidence_id)
    assert ids(search_evidence(store, lid, "refunds")) == [item.evidence_id]


def test_scoped_to_learner_and_safe_queries(store, world) -> None:
    tom = add_learner(store, "Tom Okafor", "R1002")
    enrol(store, tom.id, "K/503/8194")
    mine = create_evidence(store, world.learner.id, "observation", text="Stock rotation")
    theirs = create_evidence(store, tom.id, "observation", text="Stock rotation too")
    assert ids(search_evidence(store, world.learner.id, "stock")) == [mine.evidence_id]
    assert set(ids(search_evidence(store, None, "stock"))) == {mine.evidence_id,
                                                              theirs.evidence_id}
    # FTS5 operators and stray quotes are just words here, never a syntax error.
    assert search_evidence(store, world.learner.id, 'stock" OR NOT (') == []
    assert search_evidence(store, world.learner.id, "  !!  ") == []
    assert fts_query("stock rot") == '"stock" "rot"*'
    assert fts_query("stock ") == '"stock"'


def test_migration_0002_indexes_existing_evidence(store, world) -> None:
    """Downgrading drops the FTS objects; upgrading again rebuilds the index from the items."""
    from alembic import command

    from assessor_app.store.engine import alembic_config

    item = create_evidence(store, world.learner.id, "questioning", text="Shelf edge labels",
                           questions=[QA("Why rotate stock?", "Freshness")])
    cfg = alembic_config(store.engine)
    command.downgrade(cfg, "0001")
    with store.session() as s:
        names = s.execute(text("select name from sqlite_master where name like 'evidence_fts%'"))
        assert names.all() == []
    command.upgrade(cfg, "head")
    assert ids(search_evidence(store, world.learner.id, "freshness")) == [item.evidence_id]
    update_evidence_text(store, item.evidence_id, "Price labels")
    assert search_evidence(store, world.learner.id, "shelf") == []
