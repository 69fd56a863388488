"""The Director's retention settings: one number of days per kind of record."""

from __future__ import annotations

from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from disclosure.retention.rules import MAX_DAYS, SPECS
from disclosure.web.forms import BaseForm


def settings_form(rules: dict[str, int], formdata=None) -> BaseForm:
    """A form with one field per kind, named by the kind, showing the rules in force."""

    class RetentionForm(BaseForm):
        pass

    for spec in SPECS:
        setattr(
            RetentionForm,
            spec.kind,
            IntegerField(
                spec.label,
                default=rules[spec.kind],
                validators=[
                    InputRequired(message="Give a whole number of days."),
                    NumberRange(
                        0, MAX_DAYS, message=f"Give a whole number of days from 0 to {MAX_DAYS}."
                    ),
                ],
            ),
        )
    return RetentionForm(formdata=formdata) if formdata is not None else RetentionForm()
