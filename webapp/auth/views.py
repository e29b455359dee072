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
from .forms import LoginForm, PasswordForm, SettingsForm, UserForm
from .models import Role, User
from .permissions import roles_required
from .services import authenticate, create_user, password_problems, set_locale
from .sessions import (
    change_password, end_session, load_signed_in_user, open_sessions, reset_password, revoke_devices,
    start_session,
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
            return redirect(url_for("auth.settings"))
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


# --- user administration (admin only) -------------------------------------------------


@bp.route("/admin/users")
@roles_required(Role.ADMIN)
def user_list():
    """All users."""
    # each user's schools in one statement, not one per user
    users = db.session.scalars(select(User).order_by(User.role, User.username).options(selectinload(User.customers))).all()
    return render_template("auth/users.html", users=users)


def _customer_choices() -> list[tuple[str, str]]:
    """Customers to assign to technicians."""
    rows = db.session.scalars(
        select(Customer).where(Customer.deleted_at.is_(None)).order_by(Customer.name)
    ).all()
    return [(c.id, c.name) for c in rows]


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_new():
    """Create a user."""
    form = UserForm()
    form.customers.choices = _customer_choices()
    if form.validate_on_submit():
        try:
            user = create_user(
                form.username.data, form.display_name.data, form.role.data,
                form.password.data or "", phone=form.phone.data or None,
            )
            user.active = form.active.data
            user.customers = [db.session.get(Customer, cid) for cid in form.customers.data]
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            form.password.errors = list(form.password.errors) + [err.message]
        else:
            flash(_("User %(name)s created.", name=user.username), "success")
            return redirect(url_for("auth.user_list"))
    return render_template("auth/user_form.html", form=form, user=None)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_edit(user_id: int):
    """Edit a user's role, assignments and password."""
    user = db.session.get(User, user_id) or abort_404()
    form = UserForm(obj=user)
    form.customers.choices = _customer_choices()
    if request.method == "GET":
        form.customers.data = [c.id for c in user.customers]
    if form.validate_on_submit():
        new_password = form.password.data or ""
        problems = password_problems(new_password, user.username) if new_password else []
        if user.id == current_user.id and (form.role.data != Role.ADMIN.value or not form.active.data):
            # otherwise the last administrator could lock everyone out of user management
            form.role.errors = list(form.role.errors) + [
                _("You cannot remove your own administrator role or disable your own account.")
            ]
        elif problems:
            form.password.errors = list(form.password.errors) + [
                _("Password too weak: %(problems)s", problems="; ".join(problems))
            ]
        else:
            user.display_name = form.display_name.data
            user.role = form.role.data
            user.phone = form.phone.data or None
            user.active = form.active.data
            if new_password:
                reset_password(user, new_password, by=current_user)
            user.customers = [db.session.get(Customer, cid) for cid in form.customers.data]
            db.session.commit()
            flash(_("User %(name)s saved.", name=user.username), "success")
            return redirect(url_for("auth.user_list"))
    return render_template("auth/user_form.html", form=form, user=user, sessions=open_sessions(user))


@bp.route("/admin/users/<int:user_id>/sign-out-everywhere", methods=["POST"])
@roles_required(Role.ADMIN)
def user_revoke_devices(user_id: int):
    """Sign a user out on every device (a lost or stolen tablet); audited."""
    user = db.session.get(User, user_id) or abort_404()
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
