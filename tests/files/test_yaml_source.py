"""The safe YAML reader: plain data only, text as written, positions of values and keys, bounded size."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from netwerkdag.core.problems import Location, NetwerkdagError, Problem
from netwerkdag.files import yaml_source
from netwerkdag.files.yaml_source import MAX_CHARACTERS, MAX_DEPTH, SourceDocument, parse_yaml, read_yaml


def problems_of(text: str) -> list[Problem]:
    with pytest.raises(NetwerkdagError) as raised:
        parse_yaml(text, "e.yaml")
    return raised.value.problems


def test_scalars_stay_the_text_as_written() -> None:
    doc = parse_yaml(
        "start: 10:00\nend: 9.30\nmember: yes\nprovince: NO\ncapacity: 40\nhex: 0x1F\ndate: 2023-02-10\n",
        "e.yaml",
    )

    assert doc.data == {
        "start": "10:00",
        "end": "9.30",
        "member": "yes",
        "province": "NO",
        "capacity": "40",
        "hex": "0x1F",
        "date": "2023-02-10",
    }


def test_plain_null_is_none_but_quoted_null_is_text() -> None:
    doc = parse_yaml("a:\nb: ~\nc: null\nd: 'null'\n", "e.yaml")

    assert doc.data == {"a": None, "b": None, "c": None, "d": "null"}


def test_values_and_keys_have_their_positions() -> None:
    doc = parse_yaml("event:\n  rooms:\n    - {id: zaal-1, name: Zaal 1}\n", "e.yaml")

    assert doc.marks[("event", "rooms", 0, "name")] == Location("e.yaml", 3, 26)
    assert doc.keys[("event", "rooms", 0, "name")] == Location("e.yaml", 3, 20)
    assert doc.locate(("event", "rooms", 0, "name"), at_key=True) == Location("e.yaml", 3, 20)


def test_locate_missing_path_gives_the_nearest_mapping() -> None:
    doc = parse_yaml("event:\n  venue:\n    name: Stadhuis\n", "e.yaml")

    assert doc.locate(("event", "venue", "city")) == Location("e.yaml", 3, 5)
    assert doc.locate(("event", "venue", "city"), at_key=True) == Location("e.yaml", 3, 5)


def test_locate_in_empty_document_gives_the_start_of_the_file() -> None:
    assert SourceDocument(None, {}, "e.yaml").locate(("event",)) == Location("e.yaml", 1, 1)


def test_file_of_comments_only_has_no_data() -> None:
    assert parse_yaml("# nothing yet\n\n", "e.yaml").data is None


def test_structure_problems_are_all_reported_in_file_order() -> None:
    problems = problems_of("a: 1\nb: !!binary aGVsbG8=\na: 2\n<<: {c: 1}\nd: !custom x\n")

    assert [(p.code, p.field, p.location) for p in problems] == [
        ("unsupported-tag", "b", Location("e.yaml", 2, 4)),
        ("duplicate-key", "a", Location("e.yaml", 3, 1)),
        ("unsupported-tag", "", Location("e.yaml", 4, 1)),
        ("unsupported-tag", "d", Location("e.yaml", 5, 4)),
    ]
    assert problems[2].message == "YAML merge keys (<<) are not supported"
    assert problems[3].message == "the YAML tag '!custom' is not allowed"


def test_partial_reading_returns_the_structure_problems_beside_the_rest() -> None:
    text = "a: 1\nb: !!binary aGVsbG8=\na: 2\n<<: {c: 1}\nd: !custom x\ne: [ok]\n"

    doc = parse_yaml(text, "e.yaml", partial=True)

    assert [p.code for p in doc.problems] == [p.code for p in problems_of(text)]
    # The first `a` stays; tagged values are null; the merge key is left out; the rest is read.
    assert doc.data == {"a": "1", "b": None, "d": None, "e": ["ok"]}
    assert doc.emptied == {("b",), ("d",), ("<<",)}


def test_recursive_alias_is_an_error_not_a_crash() -> None:
    assert problems_of("a: &x [1, *x]\n") == [
        Problem(
            "recursive-alias",
            "an alias refers to the value it is part of",
            (),
            "remove the alias (*name)",
            Location("e.yaml", 1, 4),
        )
    ]


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 2000])
def test_deep_nesting_is_an_error_not_a_crash(depth: int) -> None:
    problems = problems_of("a: " + "[" * depth + "]" * depth + "\n")

    assert [p.code for p in problems] == ["too-deep"]


def test_billion_laughs_stops_early() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]

    problems = problems_of("\n".join(lines) + "\n")

    assert [p.code for p in problems] == ["too-large"]


def test_tab_gets_its_own_message() -> None:
    assert problems_of("a:\n\tb: 1\n") == [
        Problem(
            "yaml-tab",
            "YAML syntax error: a tab character; YAML indents and separates with spaces only",
            (),
            "replace the tab by spaces (most editors can insert spaces for the Tab key)",
            Location("e.yaml", 2, 1),
        )
    ]


def test_read_yaml_skips_a_byte_order_mark(tmp_path: Path) -> None:
    (tmp_path / "e.yaml").write_bytes("\ufeffa: één\n".encode())

    assert read_yaml(tmp_path / "e.yaml").data == {"a": "één"}


def test_read_yaml_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(NetwerkdagError) as raised:
        read_yaml(tmp_path / "missing.yaml", shown_as="missing.yaml")

    assert raised.value.problems == [
        Problem("file-not-found", "no such file: missing.yaml", (), "check the path")
    ]


def test_libyaml_and_pure_python_read_the_same(haarlem_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (haarlem_path / "event.yaml").read_text(encoding="utf-8") + "extra: [é, ~, '', {a: 🎉}]\n"
    fast = parse_yaml(text, "e.yaml")

    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    slow = parse_yaml(text, "e.yaml")

    assert fast == slow
    assert fast.data["extra"] == ["é", None, "", {"a": "🎉"}]


def test_surrogate_escape_in_a_value_or_key_is_an_error_with_its_place() -> None:
    problems = problems_of('title: "Lach \\uD83D\\uDE00"\n"sleutel \\uDC00": 1\n')

    assert problems == [
        Problem(
            "bad-character",
            "the text holds U+D83D, half of a character written as a \\u escape; YAML cannot join two halves",
            ("title",),
            "write the character itself, or as one escape of eight digits such as \\U0001F600",
            Location("e.yaml", 1, 8),
        ),
        Problem(
            "bad-character",
            "the text holds U+DC00, half of a character written as a \\u escape; YAML cannot join two halves",
            (),
            "write the character itself, or as one escape of eight digits such as \\U0001F600",
            Location("e.yaml", 2, 1),
        ),
    ]


def test_character_escape_of_eight_digits_is_one_character() -> None:
    assert parse_yaml('title: "Lach \\U0001F600"\n', "e.yaml").data == {"title": "Lach 😀"}


def test_aliases_cannot_repeat_text_beyond_bounds() -> None:
    # Few values, but each alias repeats 100,000 characters: 50 of them make 5 million.
    text = "a: &a " + "x" * 100_000 + "\nb: [" + ", ".join(["*a"] * 50) + "]\n"

    problems = problems_of(text)

    assert [(p.code, p.message) for p in problems] == [
        ("too-large", f"the document expands to more than {MAX_CHARACTERS:,} characters of text")
    ]


# --- only regular files, and never more than the limit -----------------------------------------------------


def test_read_yaml_refuses_a_folder(tmp_path: Path) -> None:
    (tmp_path / "event.yaml").mkdir()

    with pytest.raises(NetwerkdagError) as raised:
        read_yaml(tmp_path / "event.yaml", shown_as="event.yaml")

    assert raised.value.problems == [
        Problem(
            "not-a-file",
            "event.yaml is a folder, not a file netwerkdag can read",
            (),
            "event and network files are plain YAML files: check the path",
        )
    ]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_read_yaml_refuses_a_device_without_reading_it() -> None:
    with pytest.raises(NetwerkdagError) as raised:
        read_yaml(Path("/dev/zero"))

    assert raised.value.problems == [
        Problem(
            "not-a-file",
            "/dev/zero is a device, not a file netwerkdag can read",
            (),
            "event and network files are plain YAML files: check the path",
        )
    ]


STATUS = Path("/proc/self/status")


@pytest.mark.skipif(not STATUS.is_file(), reason="no /proc on this system")
def test_read_yaml_reads_no_further_than_the_limit_whatever_the_size_on_disk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # /proc files are regular files whose size on disk is 0, however much they hold.
    assert STATUS.stat().st_size == 0
    assert len(STATUS.read_bytes()) > 100
    monkeypatch.setattr(yaml_source, "MAX_BYTES", 100)

    with pytest.raises(NetwerkdagError) as raised:
        read_yaml(STATUS, shown_as="status")

    assert raised.value.problems == [
        Problem(
            "file-too-large",
            "the file is larger than 100 bytes; an event or network file may be at most 100 bytes",
            (),
            "an event file describes one network day in a few hundred lines: check that this is the right "
            "file",
            Location("status", 1, 1),
        )
    ]
