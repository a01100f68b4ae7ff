"""A sync run's claim of a batch of outbox rows (plain SQL): due rows become "uploading" with
their temporary name, attempts and times written as the ORM writes them; a row whose sign-off
was voided after the run started is withheld instead; a row already sent is skipped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from assessor_app.store.models import ErsDocument, OutboxItem, OutboxState, SignOff
from assessor_app.sync import claims
from assessor_app.sync.settings import SyncSettings
from assessor_app.sync.void_notices import WITHHELD_REASON
from tests.sync.helpers import file_ers

SETTINGS = SyncSettings(base_url="http://127.0.0.1:9/", username="u", centre="Centre 12")


def test_a_batch_is_claimed_withheld_or_skipped_row_by_row(store) -> None:  # noqa: ANN001
    due, voided, sent = (file_ers(store, name) for name in ("due", "voided", "sent"))
    with store.session() as s:
        doc = s.get(ErsDocument, voided.ers_document_id)
        signoff = s.get(SignOff, doc.signoff_id)
        signoff.status = "void"  # after the run's start-of-run check
        s.add(signoff)
        row = s.get(OutboxItem, sent.outbox_item_id)
        row.state = OutboxState.SENT.value
        s.add(row)
    before = datetime.now(UTC)
    with store.session() as s:
        claimed, skipped = claims.claim(
            s, [due.outbox_item_id, voided.outbox_item_id, sent.outbox_item_id, 10**9],
            SETTINGS)
    [(item, stale)] = claimed
    assert item.id == due.outbox_item_id and stale == "" and item.attempts == 1
    assert item.remote_path.startswith("Centre 12/") and item.remote_path.endswith(".pdf")
    folder, _, name = item.remote_path.rpartition("/")
    assert item.part_path.startswith(f"{folder}/.{name}.part-")
    assert [(o.item_id, o.outcome) for o in skipped] == [
        (voided.outbox_item_id, "withheld"), (sent.outbox_item_id, "already_there"),
        (10**9, "already_there")]
    with store.read_session() as s:
        got = s.get(OutboxItem, due.outbox_item_id)
        assert got.state == OutboxState.UPLOADING.value and got.attempts == 1
        assert (got.remote_path, got.part_path) == (item.remote_path, item.part_path)
        # read back through the ORM: the same instant, as an aware UTC datetime
        assert before - timedelta(seconds=1) <= got.last_attempt_at <= datetime.now(UTC)
        assert got.updated_at == got.last_attempt_at
        held = s.get(OutboxItem, voided.outbox_item_id)
        assert held.state == OutboxState.WITHHELD.value and held.failure_reason == WITHHELD_REASON
        assert s.get(OutboxItem, sent.outbox_item_id).state == OutboxState.SENT.value
