"""What a sync run reports: progress while it runs, each item's outcome and the summary at the
end; and the hooks tests use to stop a run at its fragile points."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SyncProgress:
    items_total: int
    items_done: int
    bytes_total: int
    bytes_done: int
    current_item_id: int | None
    phase: str  # "starting" | "checking" | "uploading" | "confirming" | "done"


@dataclass(frozen=True)
class ItemOutcome:
    item_id: int
    filename: str
    outcome: str  # "sent" | "already_there" | "retry_later" | "failed" | "withheld"
    message: str = ""


@dataclass
class SyncSummary:
    attempted: int = 0
    sent: int = 0
    already_there: int = 0
    retry_later: int = 0
    failed: int = 0
    cancelled: bool = False
    error: str = ""  # user-facing reason the run stopped early, if it did
    error_detail: str = ""
    remaining: int = 0  # items still not confirmed after the run
    outcomes: list[ItemOutcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Everything in the outbox is confirmed on the server."""
        return self.remaining == 0 and not self.error and not self.cancelled


@dataclass
class SyncHooks:
    """Test/diagnostic hooks called at the fragile points of an upload (item id)."""

    after_put: Callable[[int], None] | None = None
    after_move: Callable[[int], None] | None = None


ProgressCallback = Callable[[SyncProgress], None]
