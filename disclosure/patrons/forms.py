"""Forms of the patron portal and of the desk."""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from disclosure.patrons.gather import KINDS
from disclosure.patrons.models import GUARDIANSHIP_PROOFS, ID_KINDS
from disclosure.web.forms import BaseForm, CheckboxesField, MaxLength, options


def kind_choices():
    """Each kind of record in the patron's words, in the patron's language when shown."""
    return options((key, lazy_gettext(words)) for key, words in KINDS.items())


class PatronLoginForm(BaseForm):
    """Portal sign-in with the library card number and PIN."""

    card_number = StringField(
        lazy_gettext("Library card number"),
        validators=[
            DataRequired(message=lazy_gettext("Enter the number on your library card.")),
            Length(max=40),
        ],
    )
    pin = PasswordField(
        lazy_gettext("PIN"),
        validators=[DataRequired(message=lazy_gettext("Enter your PIN.")), Length(max=64)],
    )


class PinLinkForm(BaseForm):
    """A patron asks for an e-mailed link to set their PIN."""

    card_number = StringField(
        "Library card number",
        validators=[DataRequired(message="Enter the number on your library card."), Length(max=40)],
    )


class _ScopeMixin:
    kinds = CheckboxesField(
        lazy_gettext("Kinds of record"), choices=kind_choices(), validators=[Optional()]
    )
    covers_from = DateField(lazy_gettext("From"), validators=[Optional()])
    covers_to = DateField(lazy_gettext("To"), validators=[Optional()])


class AskForm(_ScopeMixin, BaseForm):
    """A patron asks for their records (or a minor's)."""

    subject_id = RadioField(lazy_gettext("Whose records?"), coerce=int, choices=[])


class DeskRequestForm(_ScopeMixin, BaseForm):
    """Staff log a written request made at the desk."""

    card_number = StringField(
        "Card number of the patron whose records are asked for",
        validators=[DataRequired(message="Enter the card number."), Length(max=40)],
    )
    for_minor = BooleanField(
        "The person asking is the guardian of this minor (the guardian on file)"
    )
    proof = RadioField(
        "What shows the request came from them",
        choices=options(
            [
                ("scan", "Their signed request, scanned"),
                ("pin", "They type their PIN on this screen"),
            ]
        ),
        validators=[Optional()],
    )
    scan = FileField("Scan of the signed request (PDF, JPEG or PNG, up to 20 MiB)")
    # Typed by the patron (or the guardian asking), never by staff; never shown back.
    pin = PasswordField(
        "PIN of the person asking",
        validators=[Length(max=40)],
        render_kw={"autocomplete": "off"},
    )


class VerifyForm(BaseForm):
    """Staff have seen photo ID: only its kind is recorded."""

    id_kind = RadioField(
        "Kind of photo ID seen",
        choices=options(ID_KINDS.items()),
        validators=[InputRequired(message="Choose the kind of photo ID you saw.")],
    )
    guardianship_proof = RadioField(
        "Proof of guardianship seen",
        choices=options(GUARDIANSHIP_PROOFS.items()),
        validators=[Optional()],
    )
    confirmed = BooleanField(
        "I saw the ID in person and it matches the person asking",
        validators=[DataRequired(message="Confirm that you saw the ID in person.")],
    )


class DeskPinForm(BaseForm):
    """Staff start setting a patron's PIN: on this screen after the ID check, or by e-mail."""

    card_number = StringField(
        "Card number",
        validators=[DataRequired(message="Enter the card number."), Length(max=40)],
    )
    how = RadioField(
        "How the patron sets it",
        choices=options(
            [
                ("screen", "The patron types it on this screen now (check photo ID first)"),
                ("email", "E-mail a one-time link to the address on the card"),
            ]
        ),
        validators=[InputRequired(message="Choose how the patron sets the PIN.")],
    )
    id_kind = RadioField(
        "Kind of photo ID seen (for this screen)",
        choices=options(ID_KINDS.items()),
        validators=[Optional()],
    )


class SetPinForm(BaseForm):
    """The patron types a new PIN twice (the desk's screen turned to them, or a link)."""

    pin = PasswordField(
        lazy_gettext("New PIN (4 to 12 digits)"),
        validators=[DataRequired(message=lazy_gettext("Type a PIN.")), Length(max=64)],
    )
    pin_again = PasswordField(
        lazy_gettext("The same PIN again"),
        validators=[DataRequired(message=lazy_gettext("Type the PIN again.")), Length(max=64)],
    )


class CorrectionForm(BaseForm):
    """A patron asks for a correction of their details."""

    details = TextAreaField(
        lazy_gettext("What is wrong, and what should it be?"),
        validators=[
            DataRequired(message=lazy_gettext("Say what is wrong and what it should be.")),
            MaxLength(2_000),
        ],
    )


class CorrectionDoneForm(BaseForm):
    """Staff mark a correction done."""

    staff_note = StringField("What you changed", validators=[Optional(), Length(max=500)])


class ConsentForm(_ScopeMixin, BaseForm):
    """Staff record a signed consent brought by a third party."""

    card_number = StringField(
        "Card number of the patron who signed (or of the minor)",
        validators=[DataRequired(message="Enter the card number."), Length(max=40)],
    )
    signed_by_guardian = BooleanField("Signed by the minor's guardian on file")
    recipient = StringField(
        "Who receives the records",
        validators=[DataRequired(message="Name who receives the records."), Length(max=300)],
    )
    not_government = BooleanField(
        "The recipient is not a police force or other government agency",
        validators=[
            DataRequired(
                message="A government agency needs legal process: log it as an officer's request "
                "for the Director."
            )
        ],
    )
    signed_on = DateField(
        "Signed on", validators=[DataRequired(message="Enter the date the consent was signed.")]
    )
    valid_from = DateField(
        "Valid from", validators=[DataRequired(message="Enter the first day the consent is valid.")]
    )
    valid_until = DateField(
        "Valid until", validators=[DataRequired(message="Enter the last day the consent is valid.")]
    )
    scan = FileField("Scan of the signed consent (PDF, JPEG or PNG, up to 20 MiB)")


def guardian_choices(patron, minors):
    return options(
        [(patron.id, "My own records")]
        + [(minor.id, f"{minor.name} (a minor in my care)") for minor in minors]
    )


class WithdrawForm(BaseForm):
    """Why a patron's request is closed unanswered (kept with the request)."""

    reason = TextAreaField(
        "Why is it withdrawn?",
        validators=[DataRequired("Say why the request is withdrawn."), MaxLength(1_000)],
        render_kw={"rows": 2},
    )


class LanguageForm(BaseForm):
    """The portal's language (choices: every catalogue the app has, disclosure/i18n.py)."""

    language = SelectField(
        lazy_gettext("Language"), choices=[], validators=[DataRequired()], validate_choice=False
    )
    next = StringField(validators=[Optional(), Length(max=300)])
