"""The corpus of broken event files: each gives its exact messages and locations, exit code 1, no traceback.

Every folder under ``broken/`` is one case: the files of an event (``event.yaml``, sometimes a
``network.yaml``) and ``expected.txt``, the exact standard error of ``netwerkdag validate <folder>``. The
real command runs in a subprocess, in a copy of the case inside ``tmp_path``, so that locations read
``<case>/event.yaml:12:13`` on every machine and any side effect of a file would show up there.

Cases that are too large or too binary to commit (20 MB, latin-1) are written by the tests below.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml
from typer.testing import CliRunner

from netwerkdag.cli.app import app
from netwerkdag.cli.planning import NOT_JUDGED
from netwerkdag.core.problems import Location, NetwerkdagError, Problem
from netwerkdag.files.load import NOT_READ, load_event

if TYPE_CHECKING:
    from tests.conftest import RunCli

BROKEN = Path(__file__).parent / "broken"
CASES = sorted(p.name for p in BROKEN.iterdir() if p.is_dir())
#: The note under the problems of a file that was there but could not be read whole.
NOT_READ_NOTE = f"note: {NOT_READ}\n"


def files_under(folder: Path) -> list[Path]:
    return sorted(p.relative_to(folder) for p in folder.rglob("*"))


def assert_user_error(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert "Traceback" not in result.stderr
    assert result.stderr == expected
    assert result.stdout == ""
    assert result.returncode == 1


def test_corpus_has_enough_cases() -> None:
    assert len(CASES) >= 25


def test_corpus_covers_every_kind_of_mistake() -> None:
    codes = set()
    for case in CASES:
        codes |= codes_in((BROKEN / case / "expected.txt").read_text(encoding="utf-8"))

    assert codes >= {
        "yaml-syntax",
        "yaml-tab",
        "unknown-room",
        "unknown-person",
        "unknown-group",
        "unknown-pillar",
        "unknown-block",
        "unknown-organisation",
        "room-double-booked",
        "person-double-booked",
        "person-unavailable",
        "session-outside-block",
        "session-in-transfer",
        "bad-time",
        "bad-date",
        "bad-id",
        "bad-choice",
        "bad-number",
        "bad-email",
        "duplicate-id",
        "duplicate-key",
        "end-before-start",
        "blocks-overlap",
        "unsupported-tag",
        "too-large",
        "recursive-alias",
        "bad-character",
        "empty-file",
        "bad-type",
        "unknown-field",
        "missing-field",
        "missing-block",
        "group-not-meeting-has-session",
        "missing-merged-into",
        "file-not-found",
        "not-a-file",
        "multi-line-text",
        "conflicting-fields",
        "missing-room",
        "missing-pillar",
        "combined-apart",
        "group-meets-without-session",
        "session-outside-event",
        "window-outside-event",
        "nonexistent-time",
        "bad-network-path",
    }


@pytest.mark.parametrize("case", CASES)
def test_broken_file_reports_its_problems(case: str, tmp_path: Path, run_cli: RunCli) -> None:
    shutil.copytree(BROKEN / case, tmp_path / case, ignore=shutil.ignore_patterns("expected.txt"))
    before = files_under(tmp_path)

    result = run_cli("validate", case, cwd=tmp_path)

    assert_user_error(result, (BROKEN / case / "expected.txt").read_text(encoding="utf-8"))
    assert files_under(tmp_path) == before  # nothing written, nothing executed


@pytest.mark.parametrize("case", CASES)
def test_check_reports_the_file_problems_validate_reports(case: str) -> None:
    runner = CliRunner()

    validated = runner.invoke(app, ["validate", str(BROKEN / case)])
    checked = runner.invoke(app, ["check", str(BROKEN / case)])

    assert validated.exit_code == checked.exit_code == 1
    assert "Traceback" not in checked.output
    # The same lines: codes, places, hints, notes and the count; `check` may add that it judged no plan.
    assert checked.stderr.replace(f"note: {NOT_JUDGED}\n", "") == validated.stderr
    if "Conflicts:" in checked.stdout:  # the plan was judged: the file's only problems are a plan's
        assert codes_in(checked.stderr) <= {
            "room-double-booked",
            "person-double-booked",
            "person-unavailable",
        }
    else:
        assert checked.stdout == ""


def codes_in(report: str) -> set[str]:
    return {line.rsplit("[", 1)[1].rstrip("]") for line in report.splitlines() if line.startswith("error ")}


def test_several_problems_are_sorted_by_file_line_and_column() -> None:
    expected = (BROKEN / "several-rule-errors" / "expected.txt").read_text(encoding="utf-8")
    places = []
    for line in expected.splitlines():
        if line.startswith("error "):
            file, row, column = line.split(" ")[1].rstrip(":").rsplit(":", 2)
            places.append((file, int(row), int(column)))

    assert len(places) == 7
    assert places == sorted(places)


# --- cases written by the tests -----------------------------------------------------------------------------


def test_file_of_20_mb_is_refused_without_reading_it(tmp_path: Path, run_cli: RunCli) -> None:
    (tmp_path / "huge").mkdir()
    size = 20 * 1024 * 1024
    data = b"network: network.yaml\n" + b"# " + b"x" * (size - 26) + b"\n"
    (tmp_path / "huge" / "event.yaml").write_bytes(data + b"\n" * (size - len(data)))
    assert (tmp_path / "huge" / "event.yaml").stat().st_size == size

    result = run_cli("validate", "huge", cwd=tmp_path)

    assert_user_error(
        result,
        "error huge/event.yaml:1:1: the file is 20.0 MB; an event or network file may be at most 2 MB "
        "[file-too-large]\n"
        "    → an event file describes one network day in a few hundred lines: check that this is the right "
        "file\n"
        "1 problem found.\n",
    )


def test_file_in_latin_1_is_refused_at_the_first_bad_byte(tmp_path: Path, run_cli: RunCli) -> None:
    text = "network:\n  id: g40\n  name: Gemeente Súdwest-Fryslân\n"
    (tmp_path / "latin1.yaml").write_bytes(text.encode("latin-1"))

    result = run_cli("validate", "latin1.yaml", cwd=tmp_path)

    assert_user_error(
        result,
        "error latin1.yaml:3:19: the file is not UTF-8: byte 0xfa cannot be decoded [not-utf8]\n"
        "    → save the file as UTF-8 (in most editors: Save as > Encoding > UTF-8)\n"
        "1 problem found.\n",
    )


def test_network_file_in_latin_1_is_named_in_the_error(tmp_path: Path, run_cli: RunCli) -> None:
    event = (BROKEN / "missing-network-file" / "event.yaml").read_text(encoding="utf-8")
    (tmp_path / "dag").mkdir()
    (tmp_path / "dag" / "event.yaml").write_text(
        event.replace("netwerk.yaml", "network.yaml"), encoding="utf-8"
    )
    (tmp_path / "dag" / "network.yaml").write_bytes("id: g40\nname: Fryslân\n".encode("latin-1"))

    result = run_cli("validate", "dag", cwd=tmp_path)

    assert_user_error(
        result,
        "error dag/network.yaml:2:12: the file is not UTF-8: byte 0xe2 cannot be decoded [not-utf8]\n"
        "    → save the file as UTF-8 (in most editors: Save as > Encoding > UTF-8)\n"
        f"{NOT_READ_NOTE}"
        "1 problem found.\n",
    )


def python_tag_payload(marker: Path) -> str:
    return f'network: !!python/object/apply:os.system ["touch {marker}"]\nevent: {{}}\n'


def test_python_tag_would_run_a_command_under_an_unsafe_loader(tmp_path: Path) -> None:
    # Proves that the payload below is live: PyYAML's unsafe loader runs it and creates the marker.
    marker = tmp_path / "created-by-unsafe-load"

    yaml.unsafe_load(python_tag_payload(marker))  # the point of this test

    assert marker.exists()


def test_python_tag_is_reported_and_never_executed(tmp_path: Path, run_cli: RunCli) -> None:
    marker = tmp_path / "pwned"
    (tmp_path / "event.yaml").write_text(python_tag_payload(marker), encoding="utf-8")

    result = run_cli("validate", "event.yaml", cwd=tmp_path)
    with pytest.raises(NetwerkdagError) as raised:
        load_event(tmp_path / "event.yaml")

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(
        "error event.yaml:1:10: network: the YAML tag '!!python/object/apply:os.system' is not allowed "
        "[unsupported-tag]\n"
        "    → event files hold plain data only: remove the tag\n"
    )
    first, *rest = raised.value.problems
    assert first == Problem(
        "unsupported-tag",
        "the YAML tag '!!python/object/apply:os.system' is not allowed",
        ("network",),
        "event files hold plain data only: remove the tag",
        Location(str(tmp_path / "event.yaml"), 1, 10),
    )
    # The empty `event: {}` is reported in the same run; the tagged value is not reported again.
    assert {(p.code, p.path[0]) for p in rest} == {("missing-field", "event")}
    assert not marker.exists()


def test_path_that_does_not_exist_is_a_user_error(tmp_path: Path, run_cli: RunCli) -> None:
    result = run_cli("validate", "nowhere/event.yaml", cwd=tmp_path)

    assert_user_error(
        result,
        "error no such file or folder: nowhere/event.yaml [file-not-found]\n"
        "    → check the path\n"
        "1 problem found.\n",
    )


def test_path_with_a_name_too_long_is_a_user_error(tmp_path: Path, run_cli: RunCli) -> None:
    name = "a" * 300

    result = run_cli("validate", name, cwd=tmp_path)

    assert_user_error(
        result,
        f"error cannot open {name}: {os.strerror(errno.ENAMETOOLONG)} [file-unreadable]\n"
        "    → check the path\n"
        "1 problem found.\n",
    )


# --- the same problems in process, as `Problem` values ------------------------------------------------------


def load_problems(path: Path) -> list[Problem]:
    with pytest.raises(NetwerkdagError) as raised:
        load_event(path)
    return raised.value.problems


def test_load_unknown_room_gives_located_problem() -> None:
    path = BROKEN / "unknown-room"

    problems = load_problems(path)

    assert problems == [
        Problem(
            "unknown-room",
            "unknown room 'zaal-9'",
            ("event", "sessions", 0, "room"),
            "use one of: zaal-1, zaal-2",
            Location(str(path / "event.yaml"), 24, 77),
        )
    ]


def test_load_unknown_field_points_at_its_key() -> None:
    path = BROKEN / "unknown-field" / "event.yaml"

    problems = load_problems(path)

    assert problems == [
        Problem(
            "missing-field",
            "required field 'title' is missing",
            ("event", "sessions", 0, "title"),
            "add `title: ...`",
            Location(str(path), 24, 7),
        ),
        Problem(
            "unknown-field",
            "unknown field 'titel'",
            ("event", "sessions", 0, "titel"),
            "did you mean 'title'?",
            Location(str(path), 26, 7),
            at_key=True,
        ),
    ]


def test_load_missing_field_points_at_the_mapping_that_lacks_it() -> None:
    path = BROKEN / "missing-fields" / "event.yaml"

    problems = load_problems(path)

    assert [(p.code, p.field, p.location) for p in problems] == [
        ("missing-field", "event.venue", Location(str(path), 12, 3)),  # `slug:`, the first key of `event`
        ("missing-field", "event.sessions[0].kind", Location(str(path), 23, 7)),  # `id:` of the session
    ]


def test_load_duplicate_key_points_at_the_second_key() -> None:
    path = BROKEN / "duplicate-yaml-key" / "event.yaml"

    problems = load_problems(path)

    assert problems == [
        Problem(
            "duplicate-key",
            "the key 'title' appears twice in this mapping (first at line 26)",
            ("event", "sessions", 0, "title"),
            "remove one of the two, or merge them",
            Location(str(path), 29, 7),
        )
    ]


def test_load_bad_time_quotes_the_text_as_written() -> None:
    path = BROKEN / "bad-time-dot" / "event.yaml"

    problems = load_problems(path)

    assert problems == [
        Problem(
            "bad-time",
            "'9.30' is not a time",
            ("event", "blocks", 0, "start"),
            "write times as HH:MM on the 24-hour clock, e.g. 09:30",
            Location(str(path), 20, 44),
        )
    ]


def test_load_unknown_person_in_availability_points_at_the_person_key() -> None:
    path = BROKEN / "availability-unknown-person" / "event.yaml"

    problems = load_problems(path)

    assert problems == [
        Problem(
            "unknown-person",
            "unknown person 'carla'",
            ("event", "availability", "carla"),
            "use one of: anna, bram",
            Location(str(path), 25, 5),
            at_key=True,
        )
    ]


def test_load_problem_in_network_file_is_located_there() -> None:
    path = BROKEN / "error-in-network-file"

    problems = load_problems(path)

    assert problems == [
        Problem(
            "bad-email",
            "'anna-at-haarlem.nl' is not an e-mail address",
            ("network", "people", 0, "email"),
            "write it as name@example.nl",
            Location(str(path / "network.yaml"), 4, 61),
        )
    ]


def test_load_folder_without_event_file_names_the_folder() -> None:
    path = BROKEN / "no-event-file"

    problems = load_problems(path)

    assert problems == [
        Problem(
            "file-not-found",
            f"the folder {path} holds no event.yaml",
            (),
            "pass the event file itself, or name it event.yaml",
        )
    ]


def test_docs_show_the_real_messages() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "event-file.md").read_text(encoding="utf-8")

    for case in ("several-rule-errors", "several-format-errors", "every-stage-at-once"):
        assert (BROKEN / case / "expected.txt").read_text(encoding="utf-8") in docs


def test_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path, run_cli: RunCli) -> None:
    os.mkfifo(tmp_path / "event.yaml")

    result = run_cli("validate", "event.yaml", cwd=tmp_path)

    assert_user_error(
        result,
        "error event.yaml is a named pipe, not a file netwerkdag can read [not-a-file]\n"
        "    → event and network files are plain YAML files: check the path\n"
        "1 problem found.\n",
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_endless_device_is_refused_without_reading_it(run_cli: RunCli) -> None:
    result = run_cli("validate", "/dev/zero")

    assert_user_error(
        result,
        "error /dev/zero is a device, not a file netwerkdag can read [not-a-file]\n"
        "    → event and network files are plain YAML files: check the path\n"
        "1 problem found.\n",
    )


def event_with_network_file(folder: Path, network: str) -> None:
    """The `unknown-room` case, sound, with its network in a file that `network:` names."""
    text = (BROKEN / "unknown-room" / "event.yaml").read_text(encoding="utf-8").replace("zaal-9", "zaal-1")
    net, event = text.split("event:\n", 1)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "event.yaml").write_text(f"network: {network}\nevent:\n{event}", encoding="utf-8")
    (folder / "network-file.yaml").write_text(
        "\n".join(line.removeprefix("  ") for line in net.splitlines()[1:]) + "\n", encoding="utf-8"
    )


def test_network_file_linked_from_inside_the_folder_is_read(tmp_path: Path) -> None:
    event_with_network_file(tmp_path / "dag", "netwerk.yaml")
    (tmp_path / "dag" / "netwerk.yaml").symlink_to("network-file.yaml")

    assert load_event(tmp_path / "dag").network.id == "g40"


def test_network_file_linked_from_outside_the_folder_is_refused(tmp_path: Path, run_cli: RunCli) -> None:
    event_with_network_file(tmp_path / "elders", "netwerk.yaml")
    event_with_network_file(tmp_path / "dag", "netwerk.yaml")
    (tmp_path / "dag" / "netwerk.yaml").symlink_to(tmp_path / "elders" / "network-file.yaml")

    result = run_cli("validate", "dag", cwd=tmp_path)

    assert_user_error(
        result,
        "error dag/event.yaml:1:10: network: the network file 'netwerk.yaml' lies outside the event's folder "
        "[bad-network-path]\n"
        "    → name a .yaml file in the event's folder, such as network.yaml, or put the network inline\n"
        f"{NOT_READ_NOTE}"
        "1 problem found.\n",
    )


def test_network_file_that_is_not_a_mapping_is_not_quoted(run_cli: RunCli) -> None:
    # The file holds a secret, so that a message quoting it would show.
    case = BROKEN / "network-file-not-a-mapping"
    assert (case / "network.yaml").read_text(encoding="utf-8") == "s3cr3t-hunter2\n"

    result = run_cli("validate", str(case))

    assert result.returncode == 1
    assert "s3cr3t" not in result.stderr


def test_byte_order_mark_and_windows_line_endings_keep_the_places(tmp_path: Path, run_cli: RunCli) -> None:
    text = (BROKEN / "unknown-room" / "event.yaml").read_text(encoding="utf-8")
    (tmp_path / "windows").mkdir()
    (tmp_path / "windows" / "event.yaml").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())

    result = run_cli("validate", "windows", cwd=tmp_path)

    assert_user_error(
        result,
        (BROKEN / "unknown-room" / "expected.txt")
        .read_text(encoding="utf-8")
        .replace("unknown-room/", "windows/"),
    )
