"""Write a plan back into the event file it came from, changing only what moved.

The file lives in git, with comments and an order its authors chose; dumping it anew would lose both. So
the writer changes, in the original text, the `block`, `room`, `start` and `end` values of the sessions
that moved, and nothing else. A folder-form event is written as a folder: the patched `event.yaml` and a
copy of the other YAML files beside it (the network and its people files).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from netwerkdag.core.event import Event
from netwerkdag.core.problems import NetwerkdagError, Problem
from netwerkdag.files.atomic import write_atomically
from netwerkdag.files.load import resolve_event_path


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for index, ch in enumerate(text):
        if ch == "\n":
            starts.append(index + 1)
    return starts


def _session_nodes(root: yaml.Node) -> list[yaml.MappingNode]:
    def get(node: yaml.Node, key: str) -> yaml.Node | None:
        if not isinstance(node, yaml.MappingNode):
            return None
        return next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)

    event = get(root, "event")
    sessions = get(event, "sessions") if event is not None else None
    if not isinstance(sessions, yaml.SequenceNode):
        return []
    return [n for n in sessions.value if isinstance(n, yaml.MappingNode)]


def patch_event_text(text: str, before: Event, after: Event) -> str:
    """`text` (the event file `before` was read from) with the moved sessions' values of `after`."""
    root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if root is None:
        return text
    nodes = _session_nodes(root)
    starts = _line_starts(text)
    edits: list[tuple[int, int, str]] = []
    for node, old, new in zip(nodes, before.sessions, after.sessions, strict=False):
        if old.id != new.id:
            raise NetwerkdagError(Problem("plan-mismatch", "the plan does not match its event file", (), ""))
        values = {
            "block": (old.block, new.block),
            "room": (old.room, new.room),
            "start": (f"{old.start:%H:%M}", f"{new.start:%H:%M}"),
            "end": (f"{old.end:%H:%M}", f"{new.end:%H:%M}"),
        }
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key not in values or not isinstance(value_node, yaml.ScalarNode):
                continue
            was, now = values[key]
            if was == now or now is None:
                continue
            begin = starts[value_node.start_mark.line] + value_node.start_mark.column
            end = starts[value_node.end_mark.line] + value_node.end_mark.column
            quoted = text[begin] in "'\"" or key in ("start", "end")
            edits.append((begin, end, f'"{now}"' if quoted else str(now)))
    for begin, end, value in sorted(edits, reverse=True):
        text = text[:begin] + value + text[end:]
    return text


def write_plan(source: Path, before: Event, after: Event, out: Path) -> list[Path]:
    """Write the plan `after` of the event read from `source` to `out`; return the files written."""
    event_file = resolve_event_path(source)
    text = event_file.read_text(encoding="utf-8-sig")
    patched = patch_event_text(text, before, after).encode("utf-8")
    written: list[Path] = []
    if source.is_dir():
        out.mkdir(parents=True, exist_ok=True)
        for sibling in sorted(source.iterdir()):
            if sibling.suffix in (".yaml", ".yml") and sibling.is_file() and sibling.name != event_file.name:
                write_atomically(out / sibling.name, sibling.read_bytes())
                written.append(out / sibling.name)
        target = out / event_file.name
    else:
        target = out
    write_atomically(target, patched)
    written.append(target)
    return written
