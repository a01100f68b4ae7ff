"""Core events: listeners run in the publisher's transaction; publishing unheard is an error."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import Session, select

from assessor_app.store import Store
from assessor_app.store.events import NoListener, listen, publish
from assessor_app.store.models import Setting


@dataclass(frozen=True)
class _Unheard:
    n: int


@dataclass(frozen=True)
class _Noted:
    key: str


def _note(session: Session, event: _Noted) -> None:
    session.add(Setting(key=event.key, value="noted"))


def test_publishing_with_no_listener_fails_loudly(store: Store) -> None:
    with store.session() as s, pytest.raises(NoListener, match="install"):
        publish(s, _Unheard(1))


def test_a_listener_writes_in_the_publishers_transaction(store: Store) -> None:
    listen(_Noted, _note)
    listen(_Noted, _note)  # registering twice changes nothing
    with pytest.raises(RuntimeError), store.session() as s:
        publish(s, _Noted("rolled.back"))
        raise RuntimeError("the publisher's change fails")
    with store.session() as s:
        publish(s, _Noted("kept"))
    with store.read_session() as s:
        keys = [row.key for row in s.exec(select(Setting))]
    assert keys == ["kept"]  # once, and nothing from the rolled-back transaction
