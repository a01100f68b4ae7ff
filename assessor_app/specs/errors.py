"""Errors the spec pipeline reports to the user: always naming the file and, when known, the line."""

from __future__ import annotations


class SpecError(Exception):
    """A source or structured file that cannot be used; `str()` reads `file:line: message`."""

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")


class MissingCriterion(SpecError):
    """A gap in a criteria sequence: `major.minor` absent though `major.found` is there."""

    def __init__(self, source: str, major: int, minor: int, found: int, line: int) -> None:
        super().__init__(source, f"criterion {major}.{minor} is missing (found {major}.{found})",
                         line)
        self.major, self.minor, self.found = major, minor, found


class NothingFound(SpecError):
    """No outcomes or criteria could be read: a best-effort pass may still find some."""
