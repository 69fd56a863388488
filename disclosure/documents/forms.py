"""Forms of the documents area: start a letter, edit a draft, make it final, choose a report
year."""

from __future__ import annotations

from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange

from disclosure.documents.models import KIND_LABELS, LETTER_KINDS, DocumentKind
from disclosure.web.forms import BaseForm, MaxLength, options

LETTER_ORDER = [
    DocumentKind.PROPER_PROCESS_REQUIRED,
    DocumentKind.REFUSAL_IMPROPER,
    DocumentKind.COMPLIANCE_COVER,
    DocumentKind.NO_RESPONSIVE_RECORDS,
    DocumentKind.PRESERVATION_CONFIRMED,
    DocumentKind.PRESERVATION_RENEWED,
    DocumentKind.EXIGENT_FOLLOW_UP,
]
assert set(LETTER_ORDER) == LETTER_KINDS


class NewLetterForm(BaseForm):
    """Which letter to draft for a case."""

    kind = SelectField(
        "Letter",
        choices=options(
            [("", "— choose a letter —")]
            + [
                (k.value, KIND_LABELS[k].removeprefix("Letter: ").capitalize())
                for k in LETTER_ORDER
            ]
        ),
        validators=[DataRequired(message="Choose a letter.")],
    )


class LetterForm(BaseForm):
    """The parts of a draft letter the Director may change."""

    addressee = TextAreaField(
        "To",
        validators=[DataRequired(message="Say to whom the letter goes."), MaxLength(1_000)],
        render_kw={"rows": 5},
    )
    subject = StringField("Re (subject line)", validators=[Length(max=300)])
    body = TextAreaField(
        "Letter text", validators=[DataRequired(message="Write the letter."), MaxLength(20_000)]
    )


class ReportYearForm(BaseForm):
    """The year of an annual report."""

    year = IntegerField(
        "Year",
        validators=[
            DataRequired(message="Enter a year like 2026."),
            NumberRange(min=2000, max=2100, message="Enter a year like 2026."),
        ],
    )


class FinalizeForm(BaseForm):
    """'Make final', under the final letter shown: carries the SHA-256 of what was shown, so
    that only that letter is kept."""

    shown = HiddenField(
        validators=[DataRequired("Look at the final letter first."), Length(max=64)]
    )
