"""Outbox → real WsgiDAV server: every PDF exactly once, intact, even across server deaths."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from sqlmodel import select

from assessor_app.store.models import OutboxItem, OutboxState
from assessor_app.sync import outbox
from assessor_app.sync.engine import SyncHooks, SyncProgress, sync_outbox
from assessor_app.sync.errors import AUTH_MESSAGE, STORAGE_FULL_MESSAGE
from assessor_app.sync.settings import SyncSettings, save_settings, store_password
from tests.sync.helpers import file_ers, remote_pdfs, sha256_file
from tests.webdav_server import PASSWORD, DavServer, Fault


def _settings(server: DavServer, **kw: object) -> SyncSettings:
    return SyncSettings(base_url=server.url, username=server.user, centre="Centre 12", **kw)


def _assert_server_matches_outbox(store, server: DavServer) -> None:  # noqa: ANN001
    """Each queued PDF is on disk exactly once with its SHA-256, and no temp file is visible."""
    with store.session() as s:
        items = s.exec(select(OutboxItem)).all()
    assert all(i.state == OutboxState.SENT.value for i in items), [
        (i.id, i.state, i.last_error) for i in items
    ]
    on_disk = Counter(sha256_file(p) for p in remote_pdfs(server.root))
    assert on_disk == Counter(i.sha256 for i in items)
    leftovers = [p for p in server.files() if ".part-" in p.name]
    assert leftovers == []
    for i in items:
        p = server.root / i.remote_path
        assert p.is_file() and sha256_file(p) == i.sha256


def test_fifty_pdfs_each_exactly_once(store, dav_server) -> None:
    filed = [
        file_ers(store, f"doc {n}", registration=f"REG-{n:04d}", unit_ref="K/503/8194")
        for n in range(50)
    ]
    events: list[SyncProgress] = []
    summary = sync_outbox(store, _settings(dav_server), PASSWORD, progress=events.append)
    assert summary.ok and summary.sent == 50 and summary.remaining == 0
    _assert_server_matches_outbox(store, dav_server)
    assert len(remote_pdfs(dav_server.root)) == 50
    # layout: <centre>/<registration>/<unit with / made safe>/<file>
    sample = dav_server.root / "Centre 12" / "REG-0001" / "K-503-8194"
    assert sample.is_dir() and len(list(sample.glob("*.pdf"))) == 1
    assert events[-1].phase == "done"
    assert events[-1].bytes_done == events[-1].bytes_total == sum(f.size for f in filed)
    assert max(e.items_done for e in events) == 50
    # a second run sends nothing: every upload is confirmed once
    puts_before = dav_server.faults.count("PUT")
    again = sync_outbox(store, _settings(dav_server), PASSWORD)
    assert again.ok and again.attempted == 0
    assert dav_server.faults.count("PUT") == puts_before


def test_enqueue_twice_is_a_noop(store) -> None:
    f = file_ers(store, "once")
    with store.session() as s:
        again = outbox.enqueue(s, f.ers_document_id)
        assert again.id == f.outbox_item_id
        assert len(s.exec(select(OutboxItem)).all()) == 1


@pytest.mark.parametrize(
    ("fault", "leaves_part"),
    [
        (Fault("PUT", nth=3, kill="mid_body", mid_body_bytes=1500), True),
        (Fault("PUT", nth=3, kill="after"), True),  # body stored as .part, client never hears
        (Fault("MOVE", nth=3, kill="before"), True),  # after PUT, before MOVE
        (Fault("MOVE", nth=3, kill="after"), False),  # after MOVE, before the DB update
        # while confirming: with the default confirmation the MOVE's answer is the proof, so
        # the confirming request (PROPFIND, then GET-and-hash) is that of the sha256 mode
        (Fault("PROPFIND", nth=3, kill="before"), False),
    ],
    ids=["during-put-body", "after-put", "before-move", "after-move", "during-confirm"],
)
def test_server_dies_mid_sync_then_resumes(
    store, dav_server, fault: Fault, leaves_part: bool  # noqa: ANN001
) -> None:
    for n in range(8):
        file_ers(store, f"resume {n}", padding=150)
    dav_server.faults.add(fault)
    settings = _settings(dav_server, confirm="sha256" if fault.method == "PROPFIND" else "size")
    first = sync_outbox(store, settings, PASSWORD, rng=random.Random(1))
    assert fault.fired == 1
    assert not first.ok and first.error  # told the server can't be reached
    with store.session() as s:
        states = Counter(i.state for i in s.exec(select(OutboxItem)).all())
    assert states[OutboxState.SENT.value] < 8
    assert states[OutboxState.QUEUED.value] >= 1  # the interrupted one waits with backoff
    parts = [p for p in dav_server.files() if ".part-" in p.name]
    assert bool(parts) == leaves_part  # a hidden temp file, never a visible half PDF
    if fault.kill == "mid_body":
        assert parts[0].stat().st_size < 8000  # really cut short
    dav_server.restart()
    second = sync_outbox(store, _settings(dav_server), PASSWORD)
    assert second.ok, second
    _assert_server_matches_outbox(store, dav_server)


def test_crash_of_the_app_after_move_is_recovered_without_reupload(store, dav_server) -> None:
    """The app dies (not the server) between MOVE and the DB update: the item stays
    'uploading'; the next run finds the right bytes in place and only marks it sent."""
    f = file_ers(store, "crash after move")

    class Crash(BaseException):
        pass

    def boom(_item_id: int) -> None:
        raise Crash()

    with pytest.raises(Crash):
        sync_outbox(store, _settings(dav_server), PASSWORD, hooks=SyncHooks(after_move=boom))
    with store.session() as s:
        assert s.get(OutboxItem, f.outbox_item_id).state == OutboxState.UPLOADING.value
    puts = dav_server.faults.count("PUT")
    summary = sync_outbox(store, _settings(dav_server), PASSWORD)
    assert summary.ok and summary.already_there == 1 and summary.sent == 0
    assert dav_server.faults.count("PUT") == puts
    with store.session() as s:
        assert s.get(OutboxItem, f.outbox_item_id).confirmed_by == "sha256"
    _assert_server_matches_outbox(store, dav_server)


def test_crash_after_put_leaves_part_that_next_run_removes(store, dav_server) -> None:
    file_ers(store, "crash after put")

    class Crash(BaseException):
        pass

    def boom(_item_id: int) -> None:
        raise Crash()

    with pytest.raises(Crash):
        sync_outbox(store, _settings(dav_server), PASSWORD, hooks=SyncHooks(after_put=boom))
    assert [p for p in dav_server.files() if ".part-" in p.name]  # the half-way file is there
    assert remote_pdfs(dav_server.root) == []  # but the centre sees no PDF yet
    assert sync_outbox(store, _settings(dav_server), PASSWORD).ok
    _assert_server_matches_outbox(store, dav_server)


def test_different_file_under_the_same_name_is_not_overwritten(store, dav_server) -> None:
    f = file_ers(store, "clash")
    settings = _settings(dav_server)
    with store.session() as s:
        item = s.get(OutboxItem, f.outbox_item_id)
        from assessor_app.sync.layout import remote_path_for

        path = remote_path_for(settings.layout, centre=settings.centre,
                               learner_registration=item.learner_registration,
                               unit_reference=item.unit_reference, filename=item.filename)
    existing = dav_server.root / path
    existing.parent.mkdir(parents=True)
    existing.write_bytes(b"%PDF-1.4 someone else's sheet")
    assert sync_outbox(store, settings, PASSWORD).ok
    assert existing.read_bytes() == b"%PDF-1.4 someone else's sheet"
    with store.session() as s:
        item = s.get(OutboxItem, f.outbox_item_id)
    assert item.remote_path != path and item.sha256[:12] in item.remote_path
    assert sha256_file(dav_server.root / item.remote_path) == f.sha256


def test_wrong_password_then_fixed_in_keyring(store, dav_server) -> None:
    for n in range(3):
        file_ers(store, f"auth {n}")
    settings = _settings(dav_server)
    with store.session() as s:
        save_settings(s, settings)
    store_password(settings, "wrong password")
    summary = sync_outbox(store)
    assert not summary.ok and summary.error == AUTH_MESSAGE
    assert "username/password or app token" in summary.error
    assert dav_server.faults.count("PUT") == 0  # stopped at the first refusal
    with store.session() as s:
        items = s.exec(select(OutboxItem)).all()
    assert len(items) == 3 and all(i.state != OutboxState.SENT.value for i in items)
    assert Counter(i.state for i in items) == {"failed": 1, "queued": 2}
    assert remote_pdfs(dav_server.root) == []
    status = _status(store)
    assert status.failed == 1 and status.problem == AUTH_MESSAGE
    store_password(settings, PASSWORD)
    fixed = sync_outbox(store)  # "Sync now" retries failed items too
    assert fixed.ok and fixed.sent == 3
    _assert_server_matches_outbox(store, dav_server)


def _status(store):  # noqa: ANN001, ANN202
    with store.session() as s:
        return outbox.outbox_status(s)


def test_server_500_is_retried_later_with_backoff(store, dav_server) -> None:
    f = file_ers(store, "five hundred")
    dav_server.faults.add(Fault("PUT", status=500))
    summary = sync_outbox(store, _settings(dav_server), PASSWORD, rng=random.Random(3))
    assert summary.retry_later == 1 and not summary.ok
    with store.session() as s:
        item = s.get(OutboxItem, f.outbox_item_id)
    assert item.state == OutboxState.QUEUED.value and item.attempts == 1
    assert item.next_attempt_at is not None and item.next_attempt_at > item.last_attempt_at
    assert "temporary problem" in item.failure_reason and "500" in item.last_error
    # a background run honours the backoff: nothing is tried before next_attempt_at
    bg = sync_outbox(store, _settings(dav_server), PASSWORD, respect_backoff=True,
                     include_failed=False)
    assert bg.attempted == 0 and bg.remaining == 1
    # "Sync now" ignores it; the server has recovered
    assert sync_outbox(store, _settings(dav_server), PASSWORD).ok
    _assert_server_matches_outbox(store, dav_server)


def test_storage_full_is_reported_and_nothing_dropped(store, dav_server) -> None:
    for n in range(3):
        file_ers(store, f"full {n}")
    dav_server.faults.add(Fault("PUT", status=507, times=10))
    summary = sync_outbox(store, _settings(dav_server), PASSWORD)
    assert summary.error == STORAGE_FULL_MESSAGE and "contact the centre" in summary.error
    assert dav_server.faults.count("PUT") == 1
    with store.session() as s:
        items = s.exec(select(OutboxItem)).all()
    assert Counter(i.state for i in items) == {"failed": 1, "queued": 2}
    # the background timer waits for the user on a permanent failure …
    bg = sync_outbox(store, _settings(dav_server), PASSWORD, respect_backoff=True,
                     include_failed=False)
    assert all(o.item_id != items[0].id for o in bg.outcomes)
    dav_server.faults.clear()
    # … and "Sync now" after the centre made room sends everything
    assert sync_outbox(store, _settings(dav_server), PASSWORD).ok
    _assert_server_matches_outbox(store, dav_server)


def test_cancel_leaves_items_queued(store, dav_server) -> None:
    import threading

    for n in range(4):
        file_ers(store, f"cancel {n}", padding=200)
    cancel = threading.Event()

    def progress(p: SyncProgress) -> None:
        if p.phase == "uploading" and p.items_done >= 1:
            cancel.set()

    summary = sync_outbox(store, _settings(dav_server), PASSWORD, progress=progress,
                          cancel=cancel)
    assert summary.cancelled and not summary.ok
    with store.session() as s:
        states = Counter(i.state for i in s.exec(select(OutboxItem)).all())
    assert states[OutboxState.UPLOADING.value] == 0 and states[OutboxState.SENT.value] >= 1
    assert sync_outbox(store, _settings(dav_server), PASSWORD).ok
    _assert_server_matches_outbox(store, dav_server)


def test_local_file_damaged_is_not_sent(store, dav_server) -> None:
    f = file_ers(store, "tampered locally")
    path = store.files_dir / outbox.ers_relative_path(f.sha256)
    data = bytearray(path.read_bytes())
    data[20] ^= 0xFF
    path.write_bytes(bytes(data))
    summary = sync_outbox(store, _settings(dav_server), PASSWORD)
    assert summary.failed == 1 and "changed on this computer" in summary.outcomes[0].message
    assert remote_pdfs(dav_server.root) == [] and [p for p in dav_server.files()] == []


def test_filed_but_never_queued_is_picked_up(store, dav_server) -> None:
    """A filed ERS without an outbox row (a database from before filing and queueing shared one
    transaction, when the app could die in between): the next sync queues it."""
    f = file_ers(store, "never queued", queue=False)
    with store.session() as s:
        assert s.exec(select(OutboxItem)).all() == []
    summary = sync_outbox(store, _settings(dav_server), PASSWORD)
    assert summary.ok and summary.sent == 1
    with store.session() as s:
        assert s.exec(select(OutboxItem)).one().ers_document_id == f.ers_document_id
    _assert_server_matches_outbox(store, dav_server)
