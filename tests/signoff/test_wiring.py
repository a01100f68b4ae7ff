"""The core's wiring registers listeners that import their modules (and the ORM) only when an
event comes, and that say what the modules' own listeners say."""

from __future__ import annotations

import subprocess
import sys

from assessor_app.ers.events import ErsFiled
from assessor_app.evidence.events import EvidenceChanging, JudgementChanged
from assessor_app.signoff import voiding
from assessor_app.store.events import listeners_of
from assessor_app.workflow import wiring


def test_the_listeners_are_installed_and_keep_the_fast_path_flag() -> None:
    wiring.install()
    assert wiring.void_on_evidence_changing in listeners_of(EvidenceChanging)
    assert wiring.void_on_judgement_changed in listeners_of(JudgementChanged)
    assert wiring.queue_filed_ers in listeners_of(ErsFiled)
    # the autosave fast path (`evidence.hot_edit`) skips unsigned items only while every
    # listener says it does nothing for them, as the voiding listener does
    assert wiring.void_on_evidence_changing.only_for_signed_items is \
        voiding.on_evidence_changing.only_for_signed_items is True


def test_installing_the_wiring_loads_no_orm() -> None:
    code = ("import sys\nfrom assessor_app.workflow.wiring import install\ninstall()\n"
            "print(*sorted(m for m in ('sqlalchemy', 'sqlmodel', 'pydantic') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == ""
