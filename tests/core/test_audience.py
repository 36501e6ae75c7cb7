"""Who an audience rule invites: every condition must hold; an empty rule invites everyone."""

from __future__ import annotations

import pytest

from netwerkdag.core.network import Network, Person, Pillar, ThemeGroup
from netwerkdag.core.sessions import AudienceRule

NETWORK = Network(
    id="g40",
    name="G40",
    pillars=(Pillar("sociaal", "Sociaal", chair="chair-without-groups"), Pillar("fysiek", "Fysiek")),
    groups=(
        ThemeGroup("woningmarkt", "Woningmarkt", pillar="fysiek"),
        ThemeGroup("wonen-zorg", "Wonen, Welzijn en Zorg", pillar="sociaal", also_pillars=("fysiek",)),
        ThemeGroup("veiligheid", "Veiligheid"),
    ),
    people=(
        Person("housing-alderman", "A", "wethouder", "delft", portfolios=("wonen",), groups=("woningmarkt",)),
        Person("care-alderman", "B", "wethouder", "breda", portfolios=("zorg",), groups=("wonen-zorg",)),
        Person("mayor", "C", "burgemeester", "almelo", groups=("veiligheid",)),
        Person("chair-without-groups", "D", "wethouder", "helmond"),
    ),
)


def admitted(rule: AudienceRule) -> list[str]:
    return [p.id for p in NETWORK.people if rule.admits(p, NETWORK)]


def test_audience_empty_rule_invites_everyone() -> None:
    rule = AudienceRule()

    assert rule.everyone
    assert admitted(rule) == ["housing-alderman", "care-alderman", "mayor", "chair-without-groups"]


def test_audience_every_condition_must_hold() -> None:
    rule = AudienceRule(roles=frozenset({"wethouder"}), portfolios=frozenset({"wonen"}))

    assert admitted(rule) == ["housing-alderman"]


@pytest.mark.parametrize(
    ("pillar", "expected"),
    [
        # Wonen, Welzijn en Zorg sits between both pillars; a pillar chair belongs to their pillar.
        ("sociaal", ["care-alderman", "chair-without-groups"]),
        ("fysiek", ["housing-alderman", "care-alderman"]),
    ],
)
def test_audience_pillar_counts_groups_between_pillars_and_chairs(pillar: str, expected: list[str]) -> None:
    assert admitted(AudienceRule(pillars=frozenset({pillar}))) == expected


def test_audience_groups_and_organisations() -> None:
    assert admitted(AudienceRule(groups=frozenset({"veiligheid"}))) == ["mayor"]
    assert admitted(AudienceRule(organisations=frozenset({"delft", "breda"}))) == [
        "housing-alderman",
        "care-alderman",
    ]
