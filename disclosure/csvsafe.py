"""CSV files the app writes, safe to open in a spreadsheet.

A spreadsheet takes a cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage return
before one) for a formula and runs it: a record's text such as `=HYPERLINK(...)` would become a
link that sends data away when clicked. Every CSV writer goes through `writer()` here, which
starts such a cell with an apostrophe so that it is shown as the text it is."""

from __future__ import annotations

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell):
    """The cell as a spreadsheet should show it: text that would start a formula gets a leading
    apostrophe; numbers and everything else are written as they are."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


class _SafeWriter:
    """csv.writer's writerow and writerows, each cell neutralised first."""

    def __init__(self, out, **options) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row):
        """Write one row of neutralised cells."""
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows) -> None:
        """Write each row of neutralised cells."""
        for row in rows:
            self.writerow(row)


def writer(out, **options) -> _SafeWriter:
    """A csv.writer on `out` (same options) whose every cell passes through neutralise()."""
    return _SafeWriter(out, **options)
