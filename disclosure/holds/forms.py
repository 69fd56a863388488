"""Forms of the holds pages."""

from __future__ import annotations

from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from disclosure.holds.models import CATEGORY_LABELS
from disclosure.web.forms import BaseForm, CheckboxesField, MaxLength, options


class HoldForm(BaseForm):
    """Place a preservation hold for a case."""

    # the case's public id: a database id would count cases, gagged ones too (docs/rules.md
    # R-addresses-count-nothing), in the page and in what the form sends
    case_id = SelectField(
        "Case",
        validators=[DataRequired(message="Choose the case the hold belongs to.")],
    )
    requested_by = StringField(
        "Who asked for it",
        validators=[DataRequired(message="Say who asked (officer and agency)."), Length(max=200)],
    )
    requested_on = DateField(
        "Date of the agency's request",
        validators=[DataRequired(message="Give the date of the request.")],
    )
    categories = CheckboxesField(
        "Records to preserve",
        choices=options((c.value, label) for c, label in CATEGORY_LABELS.items()),
        validators=[DataRequired(message="Choose at least one kind of record to preserve.")],
    )
    patron_cards = TextAreaField(
        "Patrons (library card numbers)", validators=[Optional(), MaxLength(4_000)]
    )
    workstation_codes = TextAreaField("Public computers", validators=[Optional(), MaxLength(2_000)])
    branch_id = SelectField("Branch", coerce=int, choices=[])
    window_from = DateField("From (first day)", validators=[Optional()])
    window_from_time = TimeField("at (library time)", validators=[Optional()])
    window_to = DateField("To (last day)", validators=[Optional()])
    window_to_time = TimeField("until (library time)", validators=[Optional()])
    note = TextAreaField("Note", validators=[Optional(), MaxLength(2_000)])


class RenewForm(BaseForm):
    """The agency's one renewal."""

    requested_by = StringField(
        "Who asked for the renewal",
        validators=[DataRequired(message="Say who asked (officer and agency)."), Length(max=200)],
    )
    requested_on = DateField(
        "Date of the renewal request",
        validators=[DataRequired(message="Give the date of the request.")],
    )
    days = IntegerField(
        "Additional days",
        default=90,
        validators=[InputRequired(message="Give the number of days (at most 90).")],
    )


class ReleaseForm(BaseForm):
    """Release a hold early."""

    reason = TextAreaField(
        "Reason for releasing early",
        validators=[
            DataRequired(message="Give the reason for releasing the hold early."),
            MaxLength(2_000),
        ],
    )
