"""A slot as the tables and the invitee's form spell it: a round by its block id, a part one joins or not
by its session id; `SlotKey` is the one place that writes and reads that text."""

from __future__ import annotations

import pytest

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.web import models
from netwerkdag.web.services import programme


@pytest.mark.parametrize(
    "key",
    [
        models.SlotKey.round("ronde-1"),
        models.SlotKey.part("lunch-gezamenlijk"),
        models.SlotKey.part("ronde-1"),
    ],
)
def test_a_slot_key_reads_back_as_written(key: models.SlotKey) -> None:
    assert models.SlotKey.parse(str(key)) == key


def test_a_round_and_a_part_of_the_same_id_are_different_slots() -> None:
    assert str(models.SlotKey.round("borrel")) != str(models.SlotKey.part("borrel"))


def test_the_haarlem_offerings_by_kind_of_slot(haarlem: CoreEvent) -> None:
    keys = {o.session_id: models.SlotKey.parse(o.slot) for o in programme.offerings(haarlem)}
    parts = sorted(session for session, key in keys.items() if key.opt_in)
    assert parts == ["algemeen-bestuur", "borrel-afsluiting", "lunch-gezamenlijk"]
    assert [keys[s].id for s in parts] == parts
    assert sorted({key.id for key in keys.values() if not key.opt_in}) == [
        "ronde-1",
        "ronde-2",
        "ronde-3",
        "ronde-4",
    ]


@pytest.mark.django_db
def test_the_seat_rows_of_parts_are_found_by_their_slot(day: models.Event) -> None:
    parts = models.Seats.objects.filter(models.OPT_IN_SLOTS, event=day)
    assert sorted(row.session_id for row in parts) == [
        "algemeen-bestuur",
        "borrel-afsluiting",
        "lunch-gezamenlijk",
    ]
    assert all(row.key == models.SlotKey.part(row.session_id) for row in parts)
    rounds = models.Seats.objects.filter(event=day).exclude(models.OPT_IN_SLOTS)
    assert all(not row.key.opt_in and row.key.id == row.slot for row in rounds)
