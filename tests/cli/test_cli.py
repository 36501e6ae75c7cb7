"""The command-line contract: help, exit codes (0 ok, 1 user error, 2 usage error), messages, the schema.

Typer's `CliRunner` runs commands in process where only the exit code and text matter; the commands a user
types against real files run in a subprocess, as the user would run them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from netwerkdag.cli.app import app, visible
from netwerkdag.cli.planning import NOT_JUDGED

if TYPE_CHECKING:
    from tests.conftest import RunCli

BROKEN = Path(__file__).resolve().parent.parent / "files" / "broken"
COMMANDS = ["validate", "render", "export", "schema"]

runner = CliRunner()


# --- help and usage errors ----------------------------------------------------------------------------------


def test_help_exits_0_and_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])

    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_help_of_command_exits_0(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])

    assert result.exit_code == 0
    assert f"netwerkdag {command}" in result.output


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["validate", "--bogus", "event.yaml"], id="unknown-option"),
        pytest.param(["validate"], id="missing-argument"),
        pytest.param(["render", "event.yaml"], id="missing-required-option"),
        pytest.param(["export", "event.yaml", "--format", "pdf"], id="bad-format"),
        pytest.param(["export", "event.yaml", "--format", "ical", "--lang", "de"], id="bad-language"),
        pytest.param(["frobnicate"], id="unknown-command"),
        pytest.param([], id="no-arguments"),
    ],
)
def test_usage_error_exits_2(args: list[str]) -> None:
    result = runner.invoke(app, args)

    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_export_xlsx_without_output_file_is_a_usage_error() -> None:
    result = runner.invoke(app, ["export", str(BROKEN / "unknown-room"), "--format", "xlsx"])

    assert result.exit_code == 2
    assert result.stderr == "Usage error: xlsx is a binary format: give a file with -o FILE.xlsx\n"


# --- validate -----------------------------------------------------------------------------------------------


def test_validate_haarlem_exits_0_with_summary(haarlem_path: Path, run_cli: RunCli) -> None:
    result = run_cli("validate", str(haarlem_path))

    assert result.returncode == 0
    assert result.stdout == (
        "ok g40-haarlem-2023: Bestuurlijke netwerkdag, 2023-02-10, "
        "5 rooms, 13 blocks, 23 sessions, 271 people\n"
    )
    assert result.stderr == ""


def test_example_readme_tells_what_validate_and_check_find(haarlem_path: Path, run_cli: RunCli) -> None:
    readme = (haarlem_path / "README.md").read_text(encoding="utf-8")
    population = yaml.safe_load((haarlem_path / "population.yaml").read_text(encoding="utf-8"))["people"]

    validated = run_cli("validate", str(haarlem_path))
    checked = run_cli("check", str(haarlem_path), "--json")

    assert f"holds {len(population)} fictional administrators" in readme
    people = validated.stdout.rsplit(", ", 1)[1].removesuffix("\n")
    assert f"counts {people})" in readme
    assert checked.returncode == 1
    violations = json.loads(checked.stdout)["hard_violations"]
    assert [v["rule"] for v in violations] == ["room-capacity"]
    assert f"room-capacity  {violations[0]['message']}" in readme


def test_validate_path_that_does_not_exist_exits_1(tmp_path: Path, run_cli: RunCli) -> None:
    result = run_cli("validate", "geen-bestand.yaml", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error no such file or folder: geen-bestand.yaml [file-not-found]\n"
        "    → check the path\n"
        "1 problem found.\n"
    )


def test_validate_message_with_markup_and_emoji_codes_is_printed_as_written() -> None:
    result = runner.invoke(app, ["validate", str(BROKEN / "markup-in-key")])

    assert result.exit_code == 1
    assert "event.sessions[0].[/red]: unknown field '[/red]' [unknown-field]" in result.stderr
    assert "Traceback" not in result.output


# --- check: the file's problems as validate reports them, then the plan ------------------------------------


def test_check_lists_the_problems_of_the_plan_as_validate_does_then_judges_it(run_cli: RunCli) -> None:
    result = run_cli("check", "room-double-booked", cwd=BROKEN)

    assert result.returncode == 1
    assert result.stderr == (BROKEN / "room-double-booked" / "expected.txt").read_text(encoding="utf-8")
    assert "Hard rules broken" in result.stdout
    assert "room-double-booked" in result.stdout
    assert "Conflicts: 0 (weighted)" in result.stdout


def test_check_of_a_file_with_other_problems_lists_them_and_judges_no_plan(run_cli: RunCli) -> None:
    expected = (BROKEN / "every-stage-at-once" / "expected.txt").read_text(encoding="utf-8")
    body, count = expected.rsplit("note: ", 1)[0], expected.splitlines(keepends=True)[-1]
    last_note = "note: " + expected.rsplit("note: ", 1)[1].removesuffix(count)

    result = run_cli("check", "every-stage-at-once", cwd=BROKEN)

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == body + last_note + f"note: {NOT_JUDGED}\n" + count


# --- render and export on a broken file ---------------------------------------------------------------------


def test_render_broken_file_exits_1_and_writes_nothing(tmp_path: Path, run_cli: RunCli) -> None:
    out = tmp_path / "out"

    result = run_cli("render", str(BROKEN / "unknown-room"), "--out", str(out), cwd=BROKEN)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error {BROKEN / 'unknown-room' / 'event.yaml'}:24:77: ")
    assert not out.exists()


@pytest.mark.parametrize("format", ["frab-xml", "frab-json", "ical", "csv", "csv-grid"])
def test_export_broken_file_exits_1_and_prints_nothing(format: str, run_cli: RunCli) -> None:
    result = run_cli("export", "unknown-room", "--format", format, cwd=BROKEN)

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (BROKEN / "unknown-room" / "expected.txt").read_text(encoding="utf-8")


def test_export_xlsx_of_broken_file_exits_1_and_writes_nothing(tmp_path: Path, run_cli: RunCli) -> None:
    target = tmp_path / "programma.xlsx"

    result = run_cli("export", "unknown-room", "--format", "xlsx", "-o", str(target), cwd=BROKEN)

    assert result.returncode == 1
    assert result.stderr == (BROKEN / "unknown-room" / "expected.txt").read_text(encoding="utf-8")
    assert not target.exists()


def test_export_to_a_place_that_cannot_be_written_exits_1(
    tmp_path: Path, haarlem_path: Path, run_cli: RunCli
) -> None:
    (tmp_path / "programma").write_text("not a folder", encoding="utf-8")

    result = run_cli(
        "export", str(haarlem_path), "-f", "frab-json", "-o", "programma/frab.json", cwd=tmp_path
    )

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error cannot write programma/frab.json: programma is a file, not a folder [cannot-write]\n"
        "    → choose a folder you can write to\n"
        "1 problem found.\n"
    )


def test_export_onto_a_folder_exits_1_and_keeps_the_folder(
    tmp_path: Path, haarlem_path: Path, run_cli: RunCli
) -> None:
    (tmp_path / "uit").mkdir()

    result = run_cli("export", str(haarlem_path), "-f", "ical", "-o", "uit", cwd=tmp_path)

    assert result.returncode == 1
    assert (
        result.stderr
        == "error cannot write uit: it is a folder [cannot-write]\n    → give a file name\n1 problem found.\n"
    )
    assert (tmp_path / "uit").is_dir()


def test_export_to_dev_stdout_writes_to_standard_output(haarlem_path: Path, run_cli: RunCli) -> None:
    result = run_cli("export", str(haarlem_path), "-f", "frab-json", "-o", "/dev/stdout")

    assert result.returncode == 0
    assert json.loads(result.stdout)["schedule"]["conference"]["acronym"] == "g40_haarlem_2023"
    assert Path("/dev/stdout").is_symlink()


# --- schema -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def event_schema() -> dict[str, Any]:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema: dict[str, Any] = json.loads(result.stdout)
    return schema


def yaml_as_json(path: Path) -> Any:
    """A YAML file as an editor's language server sees it: JSON types, dates as strings."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


def test_schema_is_a_json_schema(event_schema: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(event_schema)

    assert event_schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert event_schema["required"] == ["event"]


def test_schema_accepts_haarlem_with_network_inlined(
    event_schema: dict[str, Any], haarlem_path: Path
) -> None:
    data = yaml_as_json(haarlem_path / "event.yaml")
    data["network"] = yaml_as_json(haarlem_path / "network.yaml")

    jsonschema.Draft202012Validator(event_schema).validate(data)


def test_schema_accepts_network_as_file_name(event_schema: dict[str, Any], haarlem_path: Path) -> None:
    data = yaml_as_json(haarlem_path / "event.yaml")
    assert data["network"] == "network.yaml"

    jsonschema.Draft202012Validator(event_schema).validate(data)


def test_schema_rejects_what_the_loader_rejects(event_schema: dict[str, Any], haarlem_path: Path) -> None:
    data = yaml_as_json(haarlem_path / "event.yaml")
    data["event"]["sessions"][0]["titel"] = data["event"]["sessions"][0].pop("title")
    data["event"]["blocks"][0]["start"] = "9.30"

    errors = jsonschema.Draft202012Validator(event_schema).iter_errors(data)

    assert sorted((list(e.absolute_path), e.validator) for e in errors) == [
        (["event", "blocks", 0, "start"], "pattern"),
        (["event", "sessions", 0], "additionalProperties"),
        (["event", "sessions", 0], "required"),
    ]


def test_network_schema_accepts_haarlem_network(haarlem_path: Path) -> None:
    result = runner.invoke(app, ["schema", "--network"])
    network_schema = json.loads(result.stdout)

    jsonschema.Draft202012Validator.check_schema(network_schema)
    jsonschema.Draft202012Validator(network_schema).validate(yaml_as_json(haarlem_path / "network.yaml"))
    assert result.exit_code == 0
    assert network_schema["title"] == "netwerkdag network file"


# --- the language of the output -----------------------------------------------------------------------------


def english_copy(haarlem_path: Path, target: Path) -> Path:
    """The Haarlem example with `language: en`: the event's own language is English."""
    target.mkdir()
    text = (haarlem_path / "event.yaml").read_text(encoding="utf-8")
    assert "  language: nl\n" in text
    (target / "event.yaml").write_text(text.replace("  language: nl\n", "  language: en\n"), encoding="utf-8")
    for name in ("network.yaml", "population.yaml"):
        (target / name).write_bytes((haarlem_path / name).read_bytes())
    return target


def categories(ical_text: str) -> list[str]:
    return [
        line.removeprefix("CATEGORIES:") for line in ical_text.splitlines() if line.startswith("CATEGORIES:")
    ]


def test_export_ical_follows_lang_option(haarlem_path: Path, run_cli: RunCli) -> None:
    result = run_cli("export", str(haarlem_path), "-f", "ical", "--lang", "en")

    assert result.returncode == 0
    assert categories(result.stdout)[:3] == ["Get-together", "Plenary", "Pillar meeting,Sociaal"]


def test_export_ical_of_dutch_event_is_dutch_by_default(haarlem_path: Path, run_cli: RunCli) -> None:
    result = run_cli("export", str(haarlem_path), "-f", "ical")

    assert result.returncode == 0
    assert categories(result.stdout)[:3] == ["Ontmoeting", "Plenair", "Pijlerbijeenkomst,Sociaal"]


def test_event_in_english_is_published_in_english_by_default(
    haarlem_path: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    event = english_copy(haarlem_path, tmp_path / "en")

    rendered = run_cli("render", str(event), "--out", str(tmp_path / "out"))
    table = run_cli("export", str(event), "-f", "csv")
    calendar = run_cli("export", str(event), "-f", "ical")

    assert rendered.returncode == 0
    assert '<html lang="en">' in (tmp_path / "out" / "programma.html").read_text(encoding="utf-8")
    assert table.stdout.splitlines()[0].startswith("Id,Title,")
    assert categories(calendar.stdout)[:2] == ["Get-together", "Plenary"]


def test_lang_option_overrides_the_events_language(
    haarlem_path: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    event = english_copy(haarlem_path, tmp_path / "en")

    table = run_cli("export", str(event), "-f", "csv", "--lang", "nl")

    assert table.returncode == 0
    assert table.stdout.splitlines()[0].startswith("Id,Titel,")


# --- no terminal escape sequences from the user's text ------------------------------------------------------


def test_visible_escapes_control_characters_and_keeps_the_rest() -> None:
    text = "Zaal\x1b[31m rood\x07 \u202eomgekeerd\u2028regel\tTab \udcff ‘één’ 🎉"

    assert visible(text) == "Zaal\\x1b[31m rood\\x07 \\u202eomgekeerd\\u2028regel\\x09Tab \\udcff ‘één’ 🎉"


def test_report_shows_escape_sequences_from_the_file_escaped(tmp_path: Path, run_cli: RunCli) -> None:
    text = (BROKEN / "unknown-room" / "event.yaml").read_text(encoding="utf-8")
    (tmp_path / "event.yaml").write_text(
        text.replace("  title: Testdag\n", '  title: Testdag\n  "x\\e[2J\\e]0;titel\\a": 1\n'),
        encoding="utf-8",
    )

    result = run_cli("validate", "event.yaml", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "error event.yaml:14:3: event.x\\x1b[2J\\x1b]0;titel\\x07: "
        "unknown field 'x\\x1b[2J\\x1b]0;titel\\x07' [unknown-field]"
    )
    assert "\x1b" not in result.stderr


def test_validate_summary_shows_direction_controls_escaped(tmp_path: Path, run_cli: RunCli) -> None:
    text = (BROKEN / "unknown-room" / "event.yaml").read_text(encoding="utf-8").replace("zaal-9", "zaal-1")
    (tmp_path / "event.yaml").write_text(
        text.replace("  title: Testdag\n", '  title: "Test\\u202Edag"\n'), encoding="utf-8"
    )

    result = run_cli("validate", "event.yaml", cwd=tmp_path)

    assert result.returncode == 0
    assert (
        result.stdout == "ok testdag: Test\\u202edag, 2023-02-10, 2 rooms, 3 blocks, 1 sessions, 2 people\n"
    )
