"""Forms of the breach register."""

from __future__ import annotations

from wtforms import (
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from disclosure.breaches.models import PARTY_LABELS
from disclosure.records import kinds
from disclosure.web.forms import BaseForm, CheckboxesField, MaxLength, options


class BreachForm(BaseForm):
    """Record a suspected breach."""

    found_at = DateTimeLocalField(
        "When it was found (library time)",
        validators=[InputRequired(message="Say when the breach was found.")],
    )
    what_happened = TextAreaField(
        "What happened",
        validators=[DataRequired(message="Say what happened."), MaxLength(4_000)],
    )
    kinds = CheckboxesField(
        "Kinds of records it may have exposed",
        validators=[DataRequired(message="Choose the kinds of records it may have exposed.")],
    )
    patrons_affected = IntegerField(
        "About how many patrons",
        validators=[
            InputRequired(message="Give about how many patrons it may touch (0 if none)."),
            NumberRange(min=0, max=10_000_000, message="Give a number from 0 to 10,000,000."),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds.choices = options((kind.key, kind.label) for kind in kinds.every())


class NoticeForm(BaseForm):
    """Record that a party was told."""

    party = SelectField(
        "Who was told",
        choices=options(PARTY_LABELS.items()),
        validators=[InputRequired(message="Choose who was told.")],
    )
    notified_at = DateTimeLocalField(
        "When (library time)", validators=[InputRequired(message="Say when they were told.")]
    )
    how = StringField(
        "How",
        validators=[
            DataRequired(message="Say how they were told (e-mail, letter, meeting)."),
            Length(max=300),
        ],
    )


class CloseForm(BaseForm):
    """Close the breach with its findings."""

    findings = TextAreaField(
        "Findings",
        validators=[DataRequired(message="Write the findings before closing."), MaxLength(8_000)],
    )
