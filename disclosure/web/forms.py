"""Form helpers shared by every area, and BaseForm: the input boundary every form passes."""

from __future__ import annotations

from datetime import date, datetime

from flask import abort, g, request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto, _is_submitted
from werkzeug.datastructures import CombinedMultiDict
from wtforms import (
    DateField,
    DateTimeField,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import FileField, MultipleFileField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from disclosure import clock
from disclosure.web import boundary

# The days any form accepts: wide enough for every record the library keeps, narrow enough that
# adding a renewal or a retention period to one never leaves the calendar.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)
# Passwords and PINs are hashed, never stored; the limit only keeps a request from being used to
# make the hashing slow.
PASSWORD_MAX = 256


def options(pairs) -> list[SelectChoice]:
    """Choices for a SelectField or RadioField from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def refused(message: str) -> StopValidation:
    """A boundary check's refusal: it stops the field's other checks, and the page showing it
    answers 400 (disclosure.web.boundary), since no person types such a value."""
    g.refused_at_boundary = True
    return StopValidation(message)


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes (easier than a multi-select, by keyboard too); the
    templates draw it as a fieldset."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MaxLength(Length):
    """A long text field's stated limit (the field's hint says it): over it, the field says how
    long the text is and keeps it, for the person to shorten."""

    def __init__(self, limit: int) -> None:
        super().__init__(max=limit)

    def __call__(self, form, field) -> None:
        length = len(field.data or "")
        if length > self.max:
            raise ValidationError(
                f"This is {length:,} characters long; the limit is {self.max:,}. Shorten it and "
                "send the form again."
            )


class PlainText:
    """No control characters (tab and line breaks only in a multi-line field) and no
    direction-control characters, with the reason beside the field."""

    def __init__(self, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, form, field) -> None:
        if isinstance(field.data, str):
            problem = boundary.text_problem(field.data, multiline=self.multiline)
            if problem:
                raise refused(problem)


def whole_numbers_in_range(_form, field) -> None:
    """A number (or a chosen id) the database can hold; anything larger names nothing."""
    values = field.data if isinstance(field.data, list | tuple) else [field.data]
    if any(isinstance(v, int) and not boundary.id_in_range(v) for v in values):
        if isinstance(field, IntegerField):
            raise StopValidation("Enter a smaller number.")
        # a chosen id no row can have names nothing: the same 404 as such an id in a URL
        abort(404)


def days_in_range(_form, field) -> None:
    """A date in the years any library record can have."""
    value = field.data.date() if isinstance(field.data, datetime) else field.data
    if isinstance(value, date) and not FIRST_DAY <= value <= LAST_DAY:
        raise StopValidation(f"Enter a date from {FIRST_DAY.year} to {LAST_DAY.year}.")
    if isinstance(field.data, datetime) and field.data.tzinfo is None:
        # a wall-clock time typed at the library must exist there (not in the hour the clocks
        # skip in spring), or it would silently mean another time
        try:
            clock.at_local(field.data.date(), field.data.time())
        except clock.NoSuchLocalTime as gap:
            raise StopValidation(str(gap)) from gap


def readable_file_names(_form, field) -> None:
    """An uploaded file's name is kept with the scan: no control or direction characters."""
    files = field.data if isinstance(field.data, list) else [field.data]
    for upload in files:
        name = getattr(upload, "filename", None)
        if name and boundary.text_problem(name):
            raise refused(
                "The file's name has an invisible control character. Rename the file and choose "
                "it again."
            )


def boundary_validators(field_class, kwargs: dict) -> list:
    """The checks every field of this kind gets before its own validators."""
    if issubclass(field_class, StringField):
        return [PlainText(multiline=issubclass(field_class, TextAreaField))]
    if issubclass(field_class, IntegerField) or kwargs.get("coerce") is int:
        return [whole_numbers_in_range]
    if issubclass(field_class, DateField | DateTimeField):
        return [days_in_range]
    if issubclass(field_class, FileField | MultipleFileField):
        return [readable_file_names]
    return []


class BaseForm(FlaskForm):
    """Every form of the app derives from this: each field is checked at the boundary
    (disclosure.web.boundary) before its own validators, which a refusal stops (an Optional()
    would otherwise wipe the reason off a value it takes for blank, such as a lone tab), and only
    a browser's form data is read (never a JSON body, whose values need not be text)."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            """The field, with the boundary's checks before its own validators."""
            field = super().bind_field(form, unbound_field, options)
            checks = boundary_validators(unbound_field.field_class, unbound_field.kwargs)
            if checks:
                field.validators = [*checks, *field.validators]
            return field

        def wrap_formdata(self, form, formdata):
            """The submitted form fields and files, as a browser sends them."""
            if formdata is not _Auto:
                return formdata
            if not _is_submitted():
                return None
            if request.files:
                return CombinedMultiDict((request.files, request.form))
            return request.form or None

    def ask_for_files_again(self) -> None:
        """After a send that failed: each file field that carried a file says to choose it
        again, beside it (a browser never sends a chosen file back with the page, while every
        typed field comes back as typed)."""
        for field in self:
            if isinstance(field, FileField | MultipleFileField) and _has_file(field.data):
                field.errors = [*field.errors, FILE_NOT_KEPT]


FILE_NOT_KEPT = (
    "The file you chose was not kept when the form came back (browsers never keep one): choose "
    "it again."
)


def _has_file(data) -> bool:
    files = data if isinstance(data, list) else [data]
    return any(getattr(upload, "filename", None) for upload in files)


class ConfirmForm(BaseForm):
    """A button that changes something (sign out, disable, release, ...): only its CSRF token."""


def lines(text: str | None) -> list[str]:
    """The items of a list typed one per line (a comma also ends an item), blanks dropped.

    An item keeps the spaces inside it: what an officer named at the desk is kept as typed, and
    a code typed with a space is refused whole ("No public computer is called HQ PC 3") rather
    than as pieces. Card numbers and computer codes never hold a comma."""
    return [item.strip() for item in (text or "").replace(",", "\n").splitlines() if item.strip()]
