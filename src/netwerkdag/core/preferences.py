"""Ranked preferences: who wants which session or topic, in what order (for allocating seats)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Preference:
    """`person` ranks `choice` (a session id, or a topic id: any run of it) `rank`-th: 1 is most wanted;
    equal ranks say the person does not mind which."""

    person: str
    choice: str
    rank: int
