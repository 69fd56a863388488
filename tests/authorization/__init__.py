"""The authorization table, one module per area (so areas never edit each other's lines).

Each module defines TABLE: endpoint -> the set of roles its @allow declares. Role names:
'public', 'patron', 'staff-any', 'director', 'staff', 'supervisor', 'counsel', 'admin'."""

import importlib
import pkgutil


def load() -> dict[str, set[str]]:
    """Every area's TABLE, merged; an endpoint named twice is an error."""
    merged: dict[str, set[str]] = {}
    for info in pkgutil.iter_modules(__path__):
        table = importlib.import_module(f"{__name__}.{info.name}").TABLE
        twice = merged.keys() & table.keys()
        assert not twice, f"{info.name} names endpoints already in the table: {twice}"
        merged.update(table)
    return merged
