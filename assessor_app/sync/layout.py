"""Where a file goes on the centre's store: a folder layout template and path-safe segments."""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import PurePosixPath

DEFAULT_LAYOUT = "{centre}/{learner}/{unit}/{file}"
PLACEHOLDERS = ("centre", "learner", "unit", "file")

# Characters that Windows/SharePoint/IIS or URL handling refuse or misread in a path segment.
_UNSAFE = re.compile(r'[\\/:*?"<>|#%&{}~\x00-\x1f\x7f]+')


class LayoutError(ValueError):
    """The layout template is unusable."""


@functools.lru_cache(maxsize=4096)  # a run asks for the same learners and units again and again
def safe_segment(value: str) -> str:
    """One folder or file name: K/503/8194 → K-503-8194; never empty, '.', '..' or hidden."""
    text = unicodedata.normalize("NFC", value).strip()
    text = _UNSAFE.sub("-", text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"-{2,}", "-", text)
    text = text.strip(" .-")  # no hidden names, no trailing dots (Windows drops them)
    return text or "_"


@functools.lru_cache(maxsize=32)
def validate_layout(layout: str) -> str:
    if "{file}" not in layout:
        raise LayoutError("the layout must contain {file}")
    try:
        layout.format(**{p: "x" for p in PLACEHOLDERS})
    except (KeyError, IndexError, ValueError) as exc:
        raise LayoutError(
            f"unknown or malformed placeholder in layout ({exc}); "
            f"use {', '.join('{' + p + '}' for p in PLACEHOLDERS)}"
        ) from exc
    return layout


def remote_path_for(
    layout: str, *, centre: str, learner_registration: str, unit_reference: str, filename: str
) -> str:
    """Relative POSIX path under the base URL. Each placeholder becomes exactly one safe segment;
    segments that render empty (no centre configured) are dropped."""
    validate_layout(layout)
    values = {
        "centre": centre,
        "learner": learner_registration,
        "unit": unit_reference,
        "file": filename,
    }
    safe = {k: safe_segment(v) if v.strip() else "" for k, v in values.items()}
    segments: list[str] = []
    for raw in layout.split("/"):
        if not raw.strip():
            continue
        rendered = raw.format(**safe)
        if not rendered.strip():
            continue
        segments.append(safe_segment(rendered))
    if not segments[-1].lower().endswith(".pdf") and filename.lower().endswith(".pdf"):
        segments[-1] += ".pdf"
    # (safe segments are never empty, '.', '..' nor hold a '/': joined, the path is normal)
    return "/".join(segments)


def alternative_name(remote_path: str, sha256: str) -> str:
    """A second deterministic name, used when a different file already holds the first one."""
    p = PurePosixPath(remote_path)
    return str(p.with_name(f"{p.stem}-{sha256[:12]}{p.suffix}"))


def part_name(remote_path: str, token: str) -> str:
    """Temporary upload name in the same folder, hidden, so the centre never sees a half file."""
    if _normal(remote_path):  # (as `remote_path_for` makes them; pathlib is slow for this)
        folder, sep, name = remote_path.rpartition("/")
        return f"{folder}{sep}.{name}.part-{token}"
    p = PurePosixPath(remote_path)
    return str(p.with_name(f".{p.name}.part-{token}"))


def _normal(path: str) -> bool:
    """A relative POSIX path that pathlib would leave as it is."""
    return bool(path) and not (path.startswith(("/", "./")) or path.endswith(("/", "/."))
                               or "//" in path or "/./" in path or path == ".")
