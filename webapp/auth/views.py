"""Sign-in pages, the API session, settings and user administration."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..archive.models import Customer
from ..errors import DomainError, error_response
from ..extensions import csrf, db, limiter, login_manager
from ..request_body import body_limit, has_unstorable_text, json_object
from . import staff
from .forms import ROLE_CHOICES, LoginForm, NewUserForm, PasswordForm, SettingsForm, StandInForm, UserForm
from .models import StandIn, User
from .permissions import roles_required
from .services import authenticate, set_locale
from .sessions import (
    change_password, end_session, load_signed_in_user, open_sessions, revoke_devices, start_session,
)

bp = Blueprint("auth", __name__)
api_bp = Blueprint("auth_api", __name__, url_prefix="/api/auth")


def _login_limit() -> str:
    """The configured sign-in rate limit."""
    return current_app.config["LOGIN_RATE_LIMIT"]


@login_manager.user_loader
def _load_user(identity: str) -> User | None:
    """Flask-Login: the user of the open sign-in the cookie names, else nobody."""
    return load_signed_in_user(identity)


login_manager.id_attribute = "sign_in_identity"  # cookies name the sign-in, not just the user


def _sign_in(user: User, remember: bool) -> None:
    """Open a fresh sign-in for this device and set its cookies."""
    start_session(user, request.user_agent.string)
    db.session.commit()
    login_user(user, remember=remember)


def _sign_out() -> None:
    """End this sign-in everywhere (copies of its cookies too), then clear the cookies."""
    if current_user.is_authenticated:
        end_session(current_user._get_current_object())
        db.session.commit()
    logout_user()


# What a user with a temporary password may still open: the password page and the way out.
TEMPORARY_PASSWORD_ENDPOINTS = {"auth.password", "auth.logout", "auth.login", "static",
                                "auth_api.api_session_show", "auth_api.api_session_delete"}


@bp.before_app_request
def _temporary_password_first():
    """A password someone else chose is changed before anything else is opened."""
    endpoint = request.endpoint or ""
    if endpoint in TEMPORARY_PASSWORD_ENDPOINTS or endpoint.startswith("pwa."):
        return None
    if not current_user.is_authenticated or not current_user.must_change_password:
        return None
    message = _("Your password is temporary: choose your own before you go on.")
    if request.path.startswith("/api/"):
        return error_response(403, "password_change_required", message)
    flash(message, "warning")
    return redirect(url_for("auth.password"))


@login_manager.unauthorized_handler
def _unauthorized():
    """API clients get 401 JSON; people go to the sign-in page."""
    if request.path.startswith("/api/"):
        return error_response(401, "unauthorized", _("Please sign in."))
    return redirect(url_for("auth.login", next=request.full_path))


def _safe_next(target: str | None) -> str:
    """Only follow local redirects after sign-in."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """Sign in with user name and password."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user:
            _sign_in(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong user name or password."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out: this sign-in ends, on every copy of its cookies."""
    _sign_out()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """The user's own language setting."""
    form = SettingsForm(locale=current_user.locale or "")
    if form.validate_on_submit():
        set_locale(current_user, form.locale.data)
        db.session.commit()
        from flask import session

        session.pop("lang", None)
        flash(_("Settings saved."), "success")
        return redirect(url_for("auth.settings"))
    return render_template("auth/settings.html", form=form)


@bp.route("/settings/password", methods=["GET", "POST"])
@login_required
@limiter.limit(_login_limit, methods=["POST"])  # the current password must not be guessable here
def password():
    """The user changes their own password; their other sign-ins end."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            ended = change_password(current_user._get_current_object(), form.current_password.data, form.new_password.data)
        except DomainError as err:
            db.session.rollback()
            target = form.current_password if err.code == "wrong_password" else form.new_password
            target.errors = list(target.errors) + [err.message]
        else:
            db.session.commit()
            flash(
                ngettext(
                    "Password changed. You were signed out on %(num)d other device.",
                    "Password changed. You were signed out on %(num)d other devices.",
                    ended,
                ),
                "success",
            )
            target = request.args.get("next")
            return redirect(_safe_next(target) if target else url_for("auth.settings"))
    return render_template("auth/password.html", form=form)


@api_bp.route("/session", methods=["POST"])
@csrf.exempt  # this call hands out the CSRF token; it is rate-limited instead
@limiter.limit(_login_limit)
@body_limit("SIGN_IN_MAX_BYTES")
def api_session_create():
    """Sign in a non-browser client; sets the session cookie and returns a CSRF token."""
    payload = json_object(strict_text=False)  # other keys are ignored, whatever they hold
    problems = {name: [_("Required, as text.")] for name in ("username", "password")
                if not isinstance(payload.get(name), str)}
    if problems:
        return error_response(400, "invalid_request", _("Send a username and a password."), errors=problems)
    # A NUL or lone surrogate is nobody's name or password (and the database cannot compare it).
    unstorable = has_unstorable_text([payload["username"], payload["password"]])
    user = None if unstorable else authenticate(payload["username"], payload["password"])
    if user is None:
        return error_response(401, "invalid_credentials", _("Wrong user name or password."))
    _sign_in(user, remember=True)
    return jsonify({"csrf_token": generate_csrf(), "user": _user_json(user)})


@api_bp.route("/session", methods=["GET"])
@login_required
def api_session_show():
    """Who is signed in, with a fresh CSRF token."""
    return jsonify({"csrf_token": generate_csrf(), "user": _user_json(current_user)})


@api_bp.route("/session", methods=["DELETE"])
@csrf.exempt  # checked below, after the sign-in check: signed out is 401 (as for sync), not a CSRF error
def api_session_delete():
    """Sign out an API client: this sign-in ends, on every copy of its cookies."""
    if not current_user.is_authenticated:
        return error_response(401, "unauthorized", _("Please sign in."))
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    _sign_out()
    return jsonify({"ok": True})


def _user_json(user: User) -> dict:
    """The public description of a user for the field app."""
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "locale": user.locale,
    }


# --- staff administration (the department head and the administrator) -----------------


def _customer_choices() -> list[tuple[str, str]]:
    """Customers to assign to technicians."""
    rows = db.session.scalars(
        select(Customer).where(Customer.deleted_at.is_(None)).order_by(Customer.name)
    ).all()
    return [(c.id, c.name) for c in rows]


def _staff_form(form: UserForm) -> UserForm:
    """Fill a staff form's choices: the schools, and the roles the signed-in manager may give."""
    form.customers.choices = _customer_choices()
    allowed = staff.assignable_roles(current_user)
    form.role.choices = [(value, label) for value, label in ROLE_CHOICES if value in allowed]
    return form


def _field_errors(form, err: DomainError, fallback) -> None:
    """Put a refused verb's messages under the fields they name (else under the fallback field)."""
    placed = False
    for name, messages in (err.errors or {}).items():
        target = getattr(form, name, None)
        if target is not None:
            target.errors = list(target.errors) + list(messages)
            placed = True
    if not placed:
        fallback.errors = list(fallback.errors) + [err.message]


@bp.route("/admin/users")
@roles_required(*staff.MANAGER_ROLES)
def user_list():
    """All staff, with the stand-ins under way or coming."""
    # each user's schools in one statement, not one per user
    users = db.session.scalars(select(User).order_by(User.role, User.username).options(selectinload(User.customers))).all()
    return render_template("auth/users.html", users=users, stand_ins=staff.current_stand_ins())


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required(*staff.MANAGER_ROLES)
def user_new():
    """Create a colleague."""
    form = _staff_form(NewUserForm())
    if form.validate_on_submit():
        try:
            user = staff.create_staff(
                current_user, username=form.username.data, display_name=form.display_name.data,
                role=form.role.data, password=form.password.data or "", phone=form.phone.data or None,
                active=form.active.data, customer_ids=form.customers.data,
            )
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            target = {"duplicate": form.username, "invalid_username": form.username}.get(err.code, form.password)
            _field_errors(form, err, target)
        else:
            flash(_("User %(name)s created. The first password must be changed at the first sign-in.",
                    name=user.username), "success")
            return redirect(url_for("auth.user_list"))
    return render_template("auth/user_form.html", form=form, user=None)


def _managed_user(user_id: int) -> User:
    """The colleague a manager opens; 404 when missing, 403 when beyond the manager's rights."""
    user = db.session.get(User, user_id) or abort_404()
    staff.check_may_manage(current_user, user)
    return user


def _render_user(user: User, form: UserForm, stand_in_form: StandInForm | None = None, status: int = 200):
    """A colleague's page: details, schools, stand-ins, password and devices."""
    stand_in_form = stand_in_form or StandInForm()
    stand_in_form.stand_in.choices = [(t.id, t.display_name) for t in staff.technicians() if t.id != user.id]
    return render_template(
        "auth/user_form.html", form=form, user=user, sessions=open_sessions(user),
        stand_in_form=stand_in_form, stand_ins=staff.stand_ins_of(user),
    ), status


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(*staff.MANAGER_ROLES)
def user_edit(user_id: int):
    """Edit a colleague's name, role, schools and active flag."""
    user = _managed_user(user_id)
    form = _staff_form(UserForm(obj=user))
    if request.method == "GET":
        form.customers.data = [c.id for c in user.customers]
    if form.validate_on_submit():
        try:
            staff.save_staff(
                current_user, user, display_name=form.display_name.data, role=form.role.data,
                phone=form.phone.data or None, active=form.active.data, customer_ids=form.customers.data,
            )
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            _field_errors(form, err, form.role if err.code in ("self_change", "forbidden") else form.customers)
        else:
            flash(_("User %(name)s saved.", name=user.username), "success")
            return redirect(url_for("auth.user_list"))
        return _render_user(user, form, status=400)
    return _render_user(user, form, status=400 if form.errors else 200)


@bp.route("/admin/users/<int:user_id>/temporary-password", methods=["POST"])
@roles_required(*staff.MANAGER_ROLES)
def user_reset_password(user_id: int):
    """Give a colleague a temporary password, shown once; they must change it at the next sign-in."""
    user = _managed_user(user_id)
    try:
        password = staff.reset_to_temporary(current_user, user)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        flash(_("Temporary password for %(name)s: %(password)s — pass it on now; it is not shown again. "
                "It must be changed at the next sign-in.", name=user.username, password=password), "success")
    return redirect(url_for("auth.user_edit", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/stand-ins", methods=["POST"])
@roles_required(*staff.MANAGER_ROLES)
def user_add_stand_in(user_id: int):
    """Name a colleague who covers this technician's schools while they are away."""
    user = _managed_user(user_id)
    form = StandInForm()
    form.stand_in.choices = [(t.id, t.display_name) for t in staff.technicians() if t.id != user.id]
    if form.validate_on_submit():
        colleague = db.session.get(User, form.stand_in.data)
        try:
            if colleague is None:
                raise DomainError(_("Choose a colleague."), code="invalid_stand_in",
                                  errors={"stand_in": [_("Choose a colleague.")]})
            staff.add_stand_in(current_user, user, colleague, form.starts_on.data, form.ends_on.data,
                               form.note.data or "")
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            _field_errors(form, err, form.stand_in)
        else:
            flash(_("%(stand_in)s covers the schools of %(name)s from %(start)s to %(end)s.",
                    stand_in=colleague.display_name, name=user.display_name,
                    start=form.starts_on.data.isoformat(), end=form.ends_on.data.isoformat()), "success")
            return redirect(url_for("auth.user_edit", user_id=user.id))
    edit_form = _staff_form(UserForm(obj=user))
    edit_form.customers.data = [c.id for c in user.customers]
    return _render_user(user, edit_form, form, status=400)


@bp.route("/admin/stand-ins/<int:stand_in_id>/end", methods=["POST"])
@roles_required(*staff.MANAGER_ROLES)
def stand_in_end(stand_in_id: int):
    """End a stand-in early: the colleague is back."""
    record = db.session.get(StandIn, stand_in_id) or abort_404()
    staff.cancel_stand_in(current_user, record)
    db.session.commit()
    flash(_("The stand-in has ended."), "success")
    return redirect(url_for("auth.user_edit", user_id=record.absent_id))


@bp.route("/admin/users/<int:user_id>/sign-out-everywhere", methods=["POST"])
@roles_required(*staff.MANAGER_ROLES)
def user_revoke_devices(user_id: int):
    """Sign a user out on every device (a lost or stolen tablet); audited."""
    user = _managed_user(user_id)
    ended = revoke_devices(user, by=current_user)
    db.session.commit()
    flash(
        ngettext(
            "%(name)s was signed out on %(num)d device.",
            "%(name)s was signed out on %(num)d devices.",
            ended, name=user.username,
        ),
        "success",
    )
    return redirect(url_for("auth.user_edit", user_id=user.id))


def abort_404():
    """Raise a 404."""
    from flask import abort

    abort(404)
