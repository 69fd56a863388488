"""Form helpers shared by every area: choices, the one-button form, and list fields."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice


def options(pairs) -> list[SelectChoice]:
    """Choices for a SelectField or RadioField from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class ConfirmForm(FlaskForm):
    """A button that changes something (sign out, disable, release, ...): only its CSRF token."""


def lines(text: str | None) -> list[str]:
    """The items of a list typed one per line (a comma also ends an item), blanks dropped.

    An item keeps the spaces inside it: what an officer named at the desk is kept as typed, and
    a code typed with a space is refused whole ("No public computer is called HQ PC 3") rather
    than as pieces. Card numbers and computer codes never hold a comma."""
    return [item.strip() for item in (text or "").replace(",", "\n").splitlines() if item.strip()]
