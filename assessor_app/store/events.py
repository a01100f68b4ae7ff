"""Core events: how a lower package tells a higher one that something happened, without
importing it.

The core packages form a one-way stack (see docs/dev/ARCHITECTURE.md): evidence cannot call into
sign-off, and the ERS filer cannot call into sync. Instead the lower package publishes a small
event inside its own transaction, and the package above registers a listener for it at start-up
(`assessor_app.workflow.wiring.install`). Listeners run synchronously, in the publisher's session,
so what they write commits or rolls back with the change that caused it.

Publishing an event nobody listens to is an error, not a no-op: a missing start-up call would
otherwise silently skip voiding a signed record or queueing a filed ERS.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # registering listeners at start-up must not load the ORM
    from sqlmodel import Session

E = TypeVar("E")
Listener = Callable[["Session", Any], None]

_listeners: dict[type, list[Listener]] = {}


class NoListener(RuntimeError):
    """An event was published before the core's listeners were installed."""


def listen(event_type: type[E], listener: Callable[[Session, E], None]) -> None:
    """Call `listener(session, event)` for every `event_type` published. Registering the same
    listener twice has no effect."""
    registered = _listeners.setdefault(event_type, [])
    if listener not in registered:
        registered.append(listener)


def listeners_of(event_type: type) -> list[Listener]:
    """The listeners registered for `event_type` (a copy), for a publisher's fast path that must
    know whether skipping the event would skip any work (see `evidence.hot_edit`)."""
    return list(_listeners.get(event_type, []))


def publish(session: Session, event: object) -> None:
    """Run every listener of `type(event)` in `session`, in registration order."""
    registered = _listeners.get(type(event))
    if not registered:
        raise NoListener(f"No listener for {type(event).__name__}: call "
                         "assessor_app.workflow.wiring.install() at start-up.")
    for listener in list(registered):
        listener(session, event)
