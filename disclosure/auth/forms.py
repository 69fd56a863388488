"""Sign-in and account forms."""

from __future__ import annotations

from wtforms import (
    DateTimeLocalField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TelField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from disclosure.auth.models import ROLE_LABELS
from disclosure.web.forms import PASSWORD_MAX, BaseForm, options


class LoginForm(BaseForm):
    """Staff sign-in."""

    username = StringField(
        "Username", validators=[DataRequired(message="Enter your username."), Length(max=64)]
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(message="Enter your password."), Length(max=PASSWORD_MAX)],
    )


def role_choices():
    return options((role.value, label) for role, label in ROLE_LABELS.items())


class UserForm(BaseForm):
    """Create or edit a staff account (administrator)."""

    username = StringField(
        "Username",
        validators=[
            DataRequired(message="Choose a username."),
            Length(max=64),
            Regexp(
                r"^[A-Za-z0-9._-]+$", message="Use letters, digits, dots, dashes or underscores."
            ),
        ],
    )
    full_name = StringField(
        "Full name", validators=[DataRequired(message="Enter the person's name."), Length(max=120)]
    )
    role = SelectField("Role", choices=role_choices(), default="staff")
    email = EmailField(
        "E-mail (for notifications)",
        validators=[Optional(), Email(message="Enter a valid e-mail address."), Length(max=254)],
    )
    phone = TelField("Phone", validators=[Optional(), Length(max=40)])
    supervisor_id = SelectField("Supervisor", coerce=int, choices=[])
    password = PasswordField(
        "Password",
        validators=[
            Optional(),
            Length(min=12, message="Use at least 12 characters."),
            Length(max=PASSWORD_MAX),
        ],
    )


class ContactForm(BaseForm):
    """An account's e-mail and phone (its owner, or the Director)."""

    email = EmailField(
        "E-mail (for notifications)",
        validators=[Optional(), Email(message="Enter a valid e-mail address."), Length(max=254)],
    )
    phone = TelField("Phone", validators=[Optional(), Length(max=40)])


class DirectorAccountForm(ContactForm):
    """The Director sets an account's e-mail, phone and supervisor."""

    supervisor_id = SelectField("Supervisor", coerce=int, choices=[])


class PasswordChangeForm(BaseForm):
    """A signed-in staff member changes their own password."""

    current = PasswordField(
        "Current password",
        validators=[DataRequired(message="Enter your current password."), Length(max=PASSWORD_MAX)],
    )
    new = PasswordField(
        "New password",
        validators=[
            DataRequired(message="Choose a new password."),
            Length(min=12, message="Use at least 12 characters."),
            Length(max=PASSWORD_MAX),
        ],
    )
    again = PasswordField(
        "New password again",
        validators=[DataRequired(message="Type the new password again."), Length(max=PASSWORD_MAX)],
    )

    def validate_again(self, field):
        if field.data != self.new.data:
            from wtforms.validators import ValidationError

            raise ValidationError("The two new passwords differ.")


class ActingDirectorForm(BaseForm):
    """The Director names someone to act as Director for a period (library time)."""

    user_id = SelectField("Who will act as Director", coerce=int, choices=[])
    starts_at = DateTimeLocalField(
        "From", validators=[DataRequired(message="Enter when the period starts.")]
    )
    ends_at = DateTimeLocalField(
        "Until", validators=[DataRequired(message="Enter when the period ends.")]
    )


class SecondFactorCodeForm(BaseForm):
    """The second step of sign-in, or the first code of a new authenticator app."""

    code = StringField(
        "Code",
        validators=[
            DataRequired(message="Type the six digits your app shows, or a recovery code."),
            Length(max=20),
        ],
    )


class SecondFactorPolicyForm(BaseForm):
    """The Director's choice: a second factor for every staff member, or only for those who must."""

    required_for_all = SelectField(
        "Second factor",
        choices=options(
            [
                ("some", "Required of the Director, counsel and the administrator only"),
                ("all", "Required of every staff member"),
            ]
        ),
    )


class SecurityKeyForm(BaseForm):
    """A security key's answer (the browser fills `credential`), and a name for a new key."""

    credential = HiddenField(
        validators=[
            DataRequired(message="Your browser sent no answer from a security key. Try again."),
            Length(max=20000),
        ]
    )
    name = StringField("Name of the key", validators=[Optional(), Length(max=80)])
