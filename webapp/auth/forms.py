"""Sign-in and settings forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional


class LoginForm(FlaskForm):
    """User name and password."""

    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this device"), default=True)


class SettingsForm(FlaskForm):
    """A user's own preferences."""

    locale = SelectField(
        _l("Language"),
        choices=[("", _l("Browser default")), ("zh", "简体中文"), ("en", "English")],
        validators=[Optional()],
    )


class PasswordForm(FlaskForm):
    """A user changes their own password."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two new passwords differ."))],
    )


ROLE_CHOICES = [
    ("technician", _l("Technician")),
    ("office", _l("Front desk / office")),
    ("supervisor", _l("Department head")),
    ("quality", _l("Quality inspector")),
    ("admin", _l("Administrator")),
    ("marketing", _l("Marketing")),
    ("leadership", _l("Company leadership")),
    ("rnd", _l("Product R&D")),
]


class UserForm(FlaskForm):
    """Edit a colleague (the head or an administrator); passwords are reset, never typed here."""

    username = StringField(_l("User name"), validators=[DataRequired(), Length(min=2, max=64)])
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[DataRequired()])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    active = BooleanField(_l("Active"), default=True)
    customers = SelectMultipleField(_l("Schools covered"), choices=[], validate_choice=False)


class NewUserForm(UserForm):
    """Create a colleague with a first password, to be changed at the first sign-in."""

    password = PasswordField(_l("First password"), validators=[DataRequired(), Length(max=200)])


class StandInForm(FlaskForm):
    """Who covers an absent technician's schools, and from when to when."""

    stand_in = SelectField(_l("Stand-in"), coerce=int, choices=[], validate_choice=False,
                           validators=[DataRequired()])
    starts_on = DateField(_l("First day away"), validators=[DataRequired()])
    ends_on = DateField(_l("Last day away"), validators=[DataRequired()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])
