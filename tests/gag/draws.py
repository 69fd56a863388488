"""The same 'random' draws in both twins (public ids, case numbers): what the two libraries both
build draws from one sequence, what only the gagged twin builds draws `offstage()`, from a
sequence of its own. A number or an address that depends on anything but its own draw (a
database id, the count of cases before it) then differs between the twins, and the twin tests
see it. Each app keeps its own sequences."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from itertools import count

import pytest
from flask import current_app

from disclosure import public_ids
from disclosure.cases import intake

# case numbers: the twins' common draws from 1 to 4999, the offstage ones from 5000 (no clash)
STEP, COMMON_NUMBERS = 613, 4999  # 613 and the prime 4999: a walk through every number once


@dataclass
class Draws:
    ids: count = field(default_factory=lambda: count(1))
    numbers: count = field(default_factory=lambda: count(1))
    offstage_ids: count = field(default_factory=lambda: count(1))
    offstage_numbers: count = field(default_factory=lambda: count(1))
    offstage: bool = False


def _draws() -> Draws:
    return current_app.extensions.setdefault("twin_draws", Draws())


def public_id() -> str:
    draws = _draws()
    if draws.offstage:
        return f"G{next(draws.offstage_ids):015d}"
    return f"T{next(draws.ids):015d}"


def case_number() -> int:
    draws = _draws()
    if draws.offstage:
        return COMMON_NUMBERS + 1 + (next(draws.offstage_numbers) * STEP) % COMMON_NUMBERS
    return 1 + (next(draws.numbers) * STEP) % COMMON_NUMBERS


@contextlib.contextmanager
def offstage():
    """What only the gagged twin builds draws from its own sequences."""
    draws = _draws()
    draws.offstage = True
    try:
        yield
    finally:
        draws.offstage = False


@contextlib.contextmanager
def same_draws():
    """Public ids and case numbers from the twins' sequences, while the block runs."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(public_ids, "new_public_id", public_id)
        patch.setattr(intake, "draw_number", case_number)
        yield
