"""Gag orders (nondisclosure): the words and the counting that keep a gagged matter hidden.
Who may SEE a case is decided in cases/visibility.py, the one choke point; this module holds
what everyone else may be told (DOMAIN.md, "Gag orders")."""
from __future__ import annotations

# Notifications and e-mail subjects about a gagged matter say this and nothing more.
RESTRICTED_NOTICE = "A restricted matter needs your attention. Sign in to view it."

# Transparency reports count gagged matters in bands, never exactly (DOMAIN.md).
BAND_WIDTH = 250


def band(count: int, width: int = BAND_WIDTH) -> str:
    """The band a count falls in: 0 -> '0–249', 260 -> '250–499'."""
    if count < 0:
        raise ValueError("a count is never negative")
    low = (count // width) * width
    return f"{low}–{low + width - 1}"
