"""Forms of the cases area. Times are typed in library time and stored in UTC."""

from __future__ import annotations

from datetime import datetime

from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from disclosure import clock
from disclosure.cases.guidance import GUIDANCE
from disclosure.cases.models import CHECKLIST, DocumentKind
from disclosure.cases.productions import RECORD_KINDS
from disclosure.cases.search import SEARCH_MAX
from disclosure.cases.service import DECISION_LABELS, OUTSIDE_COUNSEL, RECOMMENDATION_LABELS
from disclosure.web.forms import BaseForm, CheckboxesField, MaxLength, options

DOCUMENT_KIND_LABELS = {
    DocumentKind.LEGAL_PROCESS.value: "The legal process presented",
    DocumentKind.FOLLOW_UP.value: "Officer's follow-up paper (after an emergency release)",
    DocumentKind.COURT_ORDER.value: "A court order received",
    DocumentKind.OTHER.value: "Other correspondence",
}


def to_utc(value: datetime | None) -> datetime | None:
    """A time typed in library time (naive) as a UTC instant (the form refused a time the clocks
    skip; a time that happens twice is its first)."""
    if value is None:
        return None
    return clock.at_local(value.date(), value.time())


COUNSEL_MISSING = (
    "Name the counsel who advised the waiver: the Director may waive process only upon "
    "counsel's advice."
)
ADVISED_AT_MISSING = "Enter when counsel advised (not in the future)."
ADVICE_MISSING = (
    "Record counsel's advice: the Director may waive process only upon counsel's advice."
)


def utc_of(field) -> datetime | None:
    """The UTC instant of a time field the form could read; None when it could not (a time the
    clocks skip, refused beside the field), so that the rules' check can still run."""
    return None if field.errors else to_utc(field.data)


class KindForm(BaseForm):
    """Step 1 at the desk: what did the officer present? (A GET form: no CSRF needed, nothing
    changes.)"""

    class Meta:
        csrf = False

    kind = RadioField(
        "What did the officer present?",
        choices=options((g.kind, g.title) for g in GUIDANCE),
        validators=[InputRequired(message="Choose what the officer presented.")],
    )


class IntakeForm(BaseForm):
    """Step 2 at the desk: the request itself (fields in the page's order: the error summary
    lists them so)."""

    # search warrant: what happened when it was executed (first on its page)
    executed_at = DateTimeLocalField("When the warrant was executed", validators=[Optional()])
    areas_searched = TextAreaField("Areas searched", validators=[Optional(), MaxLength(10_000)])
    equipment_searched = TextAreaField(
        "Equipment searched", validators=[Optional(), MaxLength(10_000)]
    )
    items_seized = TextAreaField("Items seized", validators=[Optional(), MaxLength(10_000)])
    seized_workstations = CheckboxesField(
        "Public computers seized (they are taken out of service)",
        coerce=int,
        choices=[],
        validators=[Optional()],
    )
    officer_name = StringField(
        "Officer's name",
        validators=[DataRequired(message="Enter the officer's name."), Length(max=120)],
    )
    officer_badge = StringField("Badge or ID number", validators=[Optional(), Length(max=60)])
    officer_agency = StringField(
        "Agency", validators=[DataRequired(message="Enter the officer's agency."), Length(max=200)]
    )
    officer_jurisdiction = StringField(
        "Jurisdiction (city, county, state, federal)", validators=[Optional(), Length(max=200)]
    )
    officer_contact = StringField(
        "How to reach the officer (phone or e-mail)", validators=[Optional(), Length(max=200)]
    )
    received_at = DateTimeLocalField("When the officer came to the desk", validators=[Optional()])
    records_sought = TextAreaField(
        "What records did the officer ask for?",
        validators=[
            DataRequired(message="Say what the officer asked for, in their words."),
            MaxLength(10_000),
        ],
    )
    patron_cards = TextAreaField(
        "Patron card numbers named", validators=[Optional(), MaxLength(4_000)]
    )
    workstation_codes = TextAreaField(
        "Public computers named", validators=[Optional(), MaxLength(2_000)]
    )
    window_starts_at = DateTimeLocalField("Time window named: from", validators=[Optional()])
    window_ends_at = DateTimeLocalField("Time window named: to", validators=[Optional()])
    court = StringField("Court or issuing authority", validators=[Optional(), Length(max=200)])
    docket_number = StringField("Docket or case number", validators=[Optional(), Length(max=100)])
    issued_on = DateField("Date issued", validators=[Optional()])
    return_date = DateField("Return date (answer by)", validators=[Optional()])
    scans = MultipleFileField("Scans of the paper (PDF, JPEG or PNG, up to 20 MiB each)")


class AssignCounselForm(BaseForm):
    """The Director asks counsel to review the case."""

    counsel_id = SelectField("Counsel", coerce=int, choices=[])
    due_on = DateField("Advice due by", validators=[DataRequired(message="Choose a due date.")])


class AdviceForm(BaseForm):
    """Counsel's advice, recommendation and the legal-process checklist."""

    advice = TextAreaField(
        "Advice to the Director (confidential)",
        validators=[DataRequired(message="Write your advice to the Director."), MaxLength(20_000)],
    )
    recommendation = RadioField(
        "Recommendation",
        choices=options(RECOMMENDATION_LABELS.items()),
        validators=[InputRequired(message="Choose a recommendation.")],
    )


for _name, _label in CHECKLIST:
    setattr(AdviceForm, _name, BooleanField(_label))


class DecisionForm(BaseForm):
    """The Director's answer."""

    decision = RadioField(
        "Decision",
        choices=options(DECISION_LABELS.items()),
        validators=[InputRequired(message="Choose a decision.")],
    )
    reason = TextAreaField(
        "Reason (for a refusal the checklist's defects are used when this is blank)",
        validators=[Optional(), MaxLength(10_000)],
    )


class WaiverForm(BaseForm):
    """An exigent waiver, made only upon counsel's advice: every part is required, and the
    service names each one missing (cases.service.waiver_problems)."""

    # choices: the counsel accounts and outside counsel, drawn for the page (view_helpers)
    counsel = SelectField(
        "Counsel who advised", choices=[], validators=[DataRequired(message=COUNSEL_MISSING)]
    )
    # no Optional(): it would stop the check below when the name is left blank
    outside_counsel = StringField("Outside counsel's name", validators=[Length(max=100)])
    advised_at = DateTimeLocalField(
        "When counsel advised", validators=[InputRequired(message=ADVISED_AT_MISSING)]
    )
    by_phone = BooleanField("The advice was given by phone")
    advice = TextAreaField(
        "Counsel's advice",
        validators=[DataRequired(message=ADVICE_MISSING), MaxLength(10_000)],
    )
    emergency = TextAreaField(
        "The emergency the officer stated",
        validators=[
            DataRequired(message="Record the emergency the officer stated."),
            MaxLength(10_000),
        ],
    )
    released = TextAreaField(
        "What was released to the officer",
        validators=[
            DataRequired(message="Record what was released to the officer."),
            MaxLength(10_000),
        ],
    )

    def validate_outside_counsel(self, field) -> None:
        """Outside counsel is named, so the waiver says who advised."""
        if self.counsel.data == OUTSIDE_COUNSEL and not (field.data or "").strip():
            raise ValidationError("Enter the name of the outside counsel who advised.")


class DocumentForm(BaseForm):
    """Attach a scan to the case."""

    kind = SelectField("What is it?", choices=options(DOCUMENT_KIND_LABELS.items()))
    scan = MultipleFileField("Scan (PDF, JPEG or PNG, up to 20 MiB)")


class CloseForm(BaseForm):
    """Close the case with its outcome."""

    outcome = TextAreaField(
        "Outcome",
        validators=[
            DataRequired(message="Write the outcome: what was decided and done."),
            MaxLength(10_000),
        ],
    )


class ReopenForm(BaseForm):
    """Reopen a closed case."""

    reason = TextAreaField(
        "Why reopen it?",
        id="reopen_reason",
        validators=[DataRequired(message="Say why the case is reopened."), MaxLength(2_000)],
    )


class ProductionForm(BaseForm):
    """Pick the records released, preview, then release (freeze)."""

    card_number = StringField("Patron card number", validators=[Optional(), Length(max=32)])
    workstation_code = StringField("Workstation code", validators=[Optional(), Length(max=40)])
    starts_at = DateTimeLocalField("From", validators=[Optional()])
    ends_at = DateTimeLocalField("To", validators=[Optional()])
    kinds = CheckboxesField(
        "Kinds of record",
        choices=options((k.name, k.label) for k in RECORD_KINDS.values()),
    )
    recipient = StringField("Released to", validators=[Optional(), Length(max=300)])
    authority = StringField("Under what authority", validators=[Optional(), Length(max=300)])
    note = TextAreaField("Note", validators=[Optional(), MaxLength(2_000)])
    preview_digest = HiddenField(validators=[Length(max=64)])


# ---- gag orders -------------------------------------------------------------------------------


class GagForm(BaseForm):
    """The Director records a nondisclosure order's terms."""

    issued_by = StringField(
        "Who issued the order",
        validators=[DataRequired(message="Say who issued the order."), Length(max=200)],
    )
    issued_on = DateField("Issued on", validators=[Optional()])
    until = DateField("In force until", validators=[Optional()])


class LiftGagForm(BaseForm):
    """The Director lifts a gag: why, and on what authority."""

    # its own id: the decision's reason is on the same page (two fields, one id, one label)
    reason = TextAreaField(
        "Why the gag is lifted",
        id="lift_reason",
        validators=[DataRequired(message="Say why the gag is lifted."), MaxLength(1_000)],
    )
    authority = StringField(
        "On what authority",
        validators=[DataRequired(message="Name the order or the authority."), Length(max=300)],
    )


class CircleForm(BaseForm):
    """The Director adds a person to a gagged case's need-to-know circle."""

    # choices are drawn for the page; on POST the service checks the person (enabled, not an admin)
    user_id = SelectField(
        "Person to add",
        coerce=int,
        choices=[],
        validate_choice=False,
        validators=[InputRequired(message="Choose a person to add.")],
    )


class SearchForm(BaseForm):
    """The staff search box. Sent by POST, so that a card number or a name typed into it never
    goes into an address or a log (docs/rules.md R-no-personal-data-out)."""

    q = StringField(
        "Search cases",
        validators=[DataRequired("Type what to look for."), MaxLength(SEARCH_MAX)],
    )


class ArchiveForm(BaseForm):
    """The archive's filters and order, read from the address (codes and ids only, never
    anything a person typed)."""

    class Meta:
        csrf = False

    status = SelectField("Status", validators=[Optional()])
    kind = SelectField("Kind", validators=[Optional()])
    year = SelectField("Year", validators=[Optional()])
    decision = SelectField("Decision", validators=[Optional()])
    counsel = SelectField("Counsel", validators=[Optional()])
    deadline = SelectField("Deadlines", validators=[Optional()])
    sort = HiddenField(validators=[Optional(), Length(max=20)])  # a key of cases.search.SORTS
    order = HiddenField(validators=[Optional(), Length(max=4)])  # asc or desc
