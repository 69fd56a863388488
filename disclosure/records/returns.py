"""Returns reported on their own: a return event of the library's system (Koha's `statistics`
rows of type `return`) closes the loan here that the same patron still has open on the same
item, checked out before it (records/importer.py imports them, after the loans).

Such a file names no checked-out time, so it cannot be matched by a loan's natural key; it is
matched to the one loan it can belong to instead: the same patron cannot have one item out twice
at once. A return whose loan is already closed, or never reached this copy, changes nothing, so
importing the same file again changes nothing either."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

CHUNK = 2000  # patrons (and barcodes) per SELECT of open loans


def closing(session: Session, loans: Table, returns: list[dict]) -> list[tuple[Mapping, dict]]:
    """(open loan, {"returned_at": ...}) for each of `returns` (patron_id, item_barcode,
    returned_at) that closes a loan here, earliest return first."""
    still_open = _open_loans(session, loans, returns)
    closed = []
    for event in sorted(returns, key=lambda r: r["returned_at"]):
        candidates = still_open.get((event["patron_id"], event["item_barcode"]), [])
        before = [loan for loan in candidates if loan["checked_out_at"] <= event["returned_at"]]
        if before:
            loan = before[-1]  # the latest checkout before the return
            candidates.remove(loan)
            closed.append((loan, {"returned_at": event["returned_at"]}))
    return closed


def _open_loans(session: Session, loans: Table, returns: list[dict]) -> dict[tuple, list]:
    """The open loans of the returns' patrons and items, by (patron, item), oldest first."""
    by_id: dict[int, Mapping] = {}
    for start in range(0, len(returns), CHUNK):
        chunk = returns[start : start + CHUNK]
        rows = session.execute(
            select(loans).where(
                loans.c.returned_at.is_(None),
                loans.c.patron_id.in_({r["patron_id"] for r in chunk}),
                loans.c.item_barcode.in_({r["item_barcode"] for r in chunk}),
            )
        ).mappings()
        by_id.update((row["id"], row) for row in rows)
    found: dict[tuple, list] = defaultdict(list)
    for row in sorted(by_id.values(), key=lambda r: (r["checked_out_at"], r["id"])):
        found[(row["patron_id"], row["item_barcode"])].append(row)
    return found
