"""Write a plan back into the event file it came from, changing only what moved.

The file lives in git, with comments and an order its authors chose; dumping it anew would lose both. So
the writer changes, in the original text, the `block`, `room`, `start` and `end` values of the sessions
that moved, and nothing else; a plan with runs added (`netwerkdag schedule --repeat-popular`) also gets
the `topic` and `expected_attendance` of the sessions repeated, and the added runs after the file's last
session, written as `dump` writes a session. A folder-form event is written as a folder: the patched
`event.yaml` and a copy of the other YAML files beside it (the network and its people files).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from netwerkdag.core.event import Event
from netwerkdag.core.problems import NetwerkdagError, Problem
from netwerkdag.core.sessions import Session
from netwerkdag.files.atomic import write_atomically
from netwerkdag.files.dump import event_to_data
from netwerkdag.files.load import resolve_event_path

#: An edit of the text: replace text[begin:end] with the string (an insertion where begin == end).
Edit = tuple[int, int, str]


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


def _mismatch(message: str = "the plan does not match its event file") -> NetwerkdagError:
    return NetwerkdagError(Problem("plan-mismatch", message, (), ""))


def _scalar(value: object) -> str:
    """A value as one YAML scalar, the way `dump` writes it."""
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True).removesuffix("\n...\n").strip()


def _added_keys(
    text: str, starts: list[int], node: yaml.MappingNode, old: Session, new: Session
) -> list[Edit]:
    """Edits that give a repeated session its `topic` and `expected_attendance` (a line each after its
    `id`, or the value replaced where the key is written)."""
    values = {
        "topic": (old.topic, new.topic),
        "expected_attendance": (old.expected_attendance, new.expected_attendance),
    }
    changed = {key: now for key, (was, now) in values.items() if was != now and now is not None}
    if not changed:
        return []
    if node.flow_style:
        raise _mismatch(f"session '{new.id}' is written in flow style: add its runs by hand")
    edits: list[Edit] = []
    after_id: int | None = None
    column = node.value[0][0].start_mark.column if node.value else 0
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key == "id":
            after_id = (
                starts[value_node.end_mark.line + 1] if value_node.end_mark.line + 1 < len(starts) else None
            )
        if key in changed and isinstance(value_node, yaml.ScalarNode):
            begin = starts[value_node.start_mark.line] + value_node.start_mark.column
            end = starts[value_node.end_mark.line] + value_node.end_mark.column
            edits.append((begin, end, _scalar(changed.pop(key))))
    if changed:
        if after_id is None:
            raise _mismatch(f"session '{new.id}': no line after its id to add {', '.join(changed)} to")
        lines = "".join(f"{' ' * column}{key}: {_scalar(value)}\n" for key, value in changed.items())
        edits.append((after_id, after_id, lines))
    return edits


def _last_scalar(node: yaml.Node) -> yaml.Node:
    """The last scalar written inside `node` (a block collection's own end is where the next token starts,
    which may be lines further on)."""
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    return node


def _appended(text: str, starts: list[int], last: yaml.MappingNode, added: list[dict[str, Any]]) -> Edit:
    """The added runs as sequence items after the file's last session, indented as it is."""
    line = text[starts[last.start_mark.line] :].split("\n", 1)[0]
    dash = line.find("-")
    indent = dash if 0 <= dash < last.start_mark.column else max(0, last.start_mark.column - 2)
    dumped = yaml.safe_dump(added, sort_keys=False, allow_unicode=True, width=100)
    block = "".join(f"{' ' * indent}{row}\n" if row else "\n" for row in dumped.rstrip("\n").split("\n"))
    mark = _last_scalar(last).end_mark
    if mark.column == 0:
        at = starts[mark.line] if mark.line < len(starts) else len(text)
        return (at, at, block)
    at = starts[mark.line + 1] if mark.line + 1 < len(starts) else len(text)
    return (at, at, block if text[:at].endswith("\n") else "\n" + block)


def patch_event_text(text: str, before: Event, after: Event) -> str:
    """`text` (the event file `before` was read from) with the moved sessions' values of `after`, and
    the runs `after` adds (`netwerkdag schedule --repeat-popular`)."""
    root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if root is None:
        return text
    nodes = _session_nodes(root)
    starts = _line_starts(text)
    edits: list[Edit] = []
    if len(after.sessions) < len(before.sessions) or [
        s.id for s in after.sessions[: len(before.sessions)]
    ] != [s.id for s in before.sessions]:
        raise _mismatch()
    extra = after.sessions[len(before.sessions) :]
    if extra:
        if len(nodes) != len(before.sessions) or not nodes:
            raise _mismatch(
                "the plan adds runs, and the event file's sessions could not be found to add them"
            )
        data = {s["id"]: s for s in event_to_data(after)["event"]["sessions"]}
        edits.append(_appended(text, starts, nodes[-1], [data[s.id] for s in extra]))
    for node, old, new in zip(nodes, before.sessions, after.sessions, strict=False):
        if old.id != new.id:
            raise _mismatch()
        edits.extend(_added_keys(text, starts, node, old, new))
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
