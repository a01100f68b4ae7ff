"""Remote layout, backoff, settings round trip and the connectivity probe."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from assessor_app.sync.backoff import retry_delay
from assessor_app.sync.layout import LayoutError, part_name, remote_path_for, safe_segment
from assessor_app.sync.settings import SyncSettings, load_settings, save_settings
from assessor_app.sync.webdav import probe
from tests.webdav_server import PASSWORD


@pytest.mark.parametrize(
    ("raw", "safe"),
    [("K/503/8194", "K-503-8194"), ("..", "_"), ("a:b*c?", "a-b-c"), (" .hidden", "hidden"),
     ("J/601/2004 ", "J-601-2004"), ("x\\y", "x-y"), ("", "_")],
)
def test_safe_segment(raw: str, safe: str) -> None:
    assert safe_segment(raw) == safe


def test_remote_path_default_layout_and_empty_centre() -> None:
    kw = {"learner_registration": "REG/12", "unit_reference": "K/503/8194",
          "filename": "ERS unit 1.pdf"}
    assert remote_path_for("{centre}/{learner}/{unit}/{file}", centre="C 1", **kw) == \
        "C 1/REG-12/K-503-8194/ERS unit 1.pdf"
    assert remote_path_for("{centre}/{learner}/{unit}/{file}", centre="", **kw) == \
        "REG-12/K-503-8194/ERS unit 1.pdf"
    assert remote_path_for("ers/{unit}-{file}", centre="", **kw) == "ers/K-503-8194-ERS unit 1.pdf"
    with pytest.raises(LayoutError):
        remote_path_for("{centre}/{nope}/{file}", centre="", **kw)
    with pytest.raises(LayoutError):
        remote_path_for("{centre}", centre="", **kw)
    assert part_name("a/b/x.pdf", "123").startswith("a/b/.x.pdf.part-")


def test_backoff_grows_with_jitter_and_cap() -> None:
    rng = random.Random(7)
    d = [retry_delay(n, rng=rng) for n in range(1, 12)]
    assert timedelta(seconds=15) <= d[0] <= timedelta(seconds=30)
    assert d[3] > d[0] * 2
    assert all(x <= timedelta(hours=2) for x in d)
    assert len({retry_delay(3, rng=random.Random(s)) for s in range(5)}) > 1  # jittered


def test_settings_round_trip_never_hold_password(store) -> None:  # noqa: ANN001
    s1 = SyncSettings(base_url="https://dav.example.org/remote.php/dav/files/a", username="a",
                      centre="C", ca_bundle="/etc/ca.pem")
    with store.session() as s:
        save_settings(s, s1)
    with store.session() as s:
        s2 = load_settings(s)
    assert s2 == s1 and s2.base_url.endswith("/") and s2.verify == "/etc/ca.pem"
    assert "password" not in s1.to_json()
    with pytest.raises(ValueError):
        SyncSettings(base_url="ftp://x", username="a")


def test_probe(dav_server) -> None:  # noqa: ANN001
    good = SyncSettings(base_url=dav_server.url, username=dav_server.user)
    ok = probe(good, PASSWORD)
    assert ok.reachable and ok.authorised
    bad = probe(good, "wrong")
    assert bad.reachable and not bad.authorised and "app token" in bad.message
    dav_server.stop()
    down = probe(good, PASSWORD, timeout=1)
    assert not down.reachable and "cannot be reached" in down.message
