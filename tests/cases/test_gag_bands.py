"""Reports count gagged matters only in bands (docs/rules.md R-gag-bands)."""

import pytest

from disclosure.cases.gag import band


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0–249"), (1, "0–249"), (249, "0–249"), (250, "250–499"), (999, "750–999")],
)
def test_gagged_matters_are_counted_only_in_bands(count, expected):
    assert band(count) == expected


def test_a_band_never_gives_the_exact_count_away():
    assert band(3) == band(200)
