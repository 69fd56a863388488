"""The registry of kinds of record (records/kinds.py): every kind has its rule in every area that
keeps one, and a key is taken once."""

from __future__ import annotations

import pytest

from disclosure.cases import productions
from disclosure.patrons import gather
from disclosure.records import importer, kinds
from disclosure.retention import purge, rules


def test_every_kind_has_a_retention_rule_a_purge_step_and_a_reader_for_the_patrons_report():
    assert rules.RULES.missing() == []
    assert purge.STEPS.missing() == []
    assert gather.READERS.missing() == []


def test_every_kind_can_be_imported_from_csv():
    assert [k for k in kinds.every_key() if k not in importer.KINDS] == []


def test_a_kind_is_shown_in_registration_order_everywhere():
    every = kinds.every_key()
    assert list(gather.KINDS) == every
    assert [spec.kind for spec in rules.SPECS] == every
    assert list(productions.RECORD_KINDS) == [k for k in every if k in productions.RECORD_KINDS]


def test_a_key_or_a_former_key_is_taken_once():
    again = kinds.RecordKind(
        key="loan",  # a former key of loans: productions frozen before the registry use it
        table=kinds.LOANS.table,
        label="Loans again",
        patron_label="Loans again",
        patron_hint="",
        category=kinds.LOANS.category,
        patron="patron_id",
        starts="checked_out_at",
    )
    with pytest.raises(ValueError):
        kinds.register(again)
    assert kinds.named("loan") is kinds.LOANS


def test_an_area_cannot_give_a_rule_to_a_kind_that_is_not_registered():
    with pytest.raises(KeyError):
        purge.register(purge.Step("room_bookings", lambda now, today, days: None))
    with pytest.raises(ValueError):
        purge.register(purge.STEPS[kinds.LOANS.key])
