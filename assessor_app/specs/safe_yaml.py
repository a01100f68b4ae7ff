"""A YAML reader with bounded work: no anchors or aliases, bounded nesting, plain data only.

PyYAML's `safe_load` expands aliases, so a few kilobytes of nested aliases ("billion laughs")
become gigabytes. Unit spec files never need anchors, so any anchor or alias is refused where it
stands, as is nesting deeper than the format uses; every error names the line.
"""

from __future__ import annotations

from typing import Any

import yaml

from assessor_app.specs.errors import SpecError
from assessor_app.specs.limits import MAX_YAML_DEPTH


class _Refused(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors/aliases and deep nesting while composing, before any
    expansion, and remembers the line of every mapping it builds."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0
        self.lines: dict[int, int] = {}

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: ANN401 - PyYAML's signature
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            raise _Refused("YAML aliases (*name) are not allowed in unit spec files", line)
        if getattr(event, "anchor", None) is not None:
            raise _Refused("YAML anchors (&name) are not allowed in unit spec files", line)
        self.depth += 1
        try:
            if self.depth > MAX_YAML_DEPTH:
                raise _Refused(f"nested deeper than {MAX_YAML_DEPTH} levels", line)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _construct_mapping_with_line(loader: _BoundedLoader, node: yaml.MappingNode) -> Any:  # noqa: ANN401
    # SafeConstructor builds dicts in two steps (yield, then fill); record the line either way.
    data: dict[Any, Any] = {}
    loader.lines[id(data)] = node.start_mark.line + 1
    yield data
    data.update(loader.construct_mapping(node))


_BoundedLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping_with_line)


def load_bounded_yaml(text: str, source: str) -> tuple[Any, dict[int, int]]:
    """Parse one YAML document; returns the value and id(mapping) → line. Raises `SpecError`."""
    loader: _BoundedLoader | None = None
    try:
        loader = _BoundedLoader(text)
        value = loader.get_single_data()
    except _Refused as exc:
        raise SpecError(source, exc.message, exc.line) from exc
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise SpecError(source, f"invalid YAML: character U+{exc.character:04X} is not allowed",
                        line) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise SpecError(source, f"invalid YAML: {problem}", line) from exc
    except (RecursionError, ValueError, TypeError, OverflowError) as exc:
        raise SpecError(source, f"invalid YAML: {type(exc).__name__}") from exc
    finally:
        if loader is not None:
            loader.dispose()
    return value, loader.lines
