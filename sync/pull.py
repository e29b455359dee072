"""Pull: the changes a user may see after a cursor, in change_seq order, a page at a time.

Why a pull never skips a row that commits late: change_seq numbers come from one counter row
that the writing transaction keeps locked until it commits, so a number becomes visible only
after every smaller number has committed. A pull first reads the counter (`cap`, committed)
and then reads only rows with `cursor < change_seq <= cap`; every such row has committed, so
each later query sees it even though each statement takes its own snapshot. Rows above `cap`
wait for the next pull.

Why a first sync stays filtered on every page: a pull from cursor 0 answers a `snapshot` (the
counter at that moment) and the device sends it back with each later page of the same sync.
A row whose change_seq is at most the snapshot has not changed since the sync began, and the
device (which started empty) never held it, so an old closed ticket or a tombstone is simply
left out instead of travelling as an out-of-scope deletion. Rows above the snapshot changed
during the sync: the device may hold them from an earlier page, so they come as usual.
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, delete, func, or_, select, text
from sqlalchemy.exc import IntegrityError

from webapp.auth.models import User
from webapp.auth.permissions import covered_customers
from webapp.clock import utcnow
from webapp.errors import DomainError
from webapp.extensions import db

from .epoch import server_position
from .models import TOMBSTONE_HORIZON, SyncClient, SyncSetting, get_setting
from .registry import all_kinds, children_first, iso_datetime


class CursorGone(DomainError):
    """The device must push what it has, then pull again from 0."""

    code = "cursor_too_old"
    status = 410


def counter_value() -> int:
    """The highest committed change_seq."""
    return int(db.session.scalar(text("SELECT value FROM sync_counter WHERE id = 1")) or 0)


def scope_customer_ids(user: User) -> list[str] | None:
    """The customers a technician pulls (sorted); None for roles that see everything."""
    if user.sees_all_customers:
        return None
    return sorted(set(db.session.scalars(covered_customers(user)).all()))  # a stand-in's too


def check_cursor(cursor: int, cap: int, client: SyncClient | None = None) -> None:
    """410 for a cursor older than the kept tombstones, or one this server never gave out
    (a restored server: the details say its epoch and the last seq it applied for the device)."""
    horizon = get_setting(TOMBSTONE_HORIZON)
    if 0 < cursor < horizon:
        raise CursorGone(
            _("Too long since the last sync: send your changes, then download everything again."),
            details={"cursor": cursor, "horizon": horizon},
        )
    if cursor > cap:
        raise CursorGone(
            _("This server does not know that sync position: send your changes, then download everything again."),
            code="cursor_unknown",
            details={"cursor": cursor, "latest": cap, **server_position(client)},
        )


def track_scope(client: SyncClient | None, scope: list[str] | None, cursor: int) -> None:
    """Remember which customers a device holds; a newly assigned one means pulling from 0."""
    if client is None or scope is None:
        return
    known = client.scope_customer_ids
    if cursor > 0 and known is not None and set(scope) - set(known):
        raise CursorGone(
            _("You were given new customers: send your changes, then download everything again."),
            code="scope_changed",
            details={"added": sorted(set(scope) - set(known))},
        )
    if known != scope:
        client.scope_customer_ids = scope


def _kind_query(kind, user, technician: bool, scope, cursor: int, cap: int, snapshot: int, limit: int | None):
    """One kind's rows of a page: rows of the first sync's snapshot only when deliverable,
    later rows labelled with whether they are still relevant (out of scope: a deletion).
    With no limit, all of them, unordered (for counting)."""
    model = kind.model
    conditions = [model.change_seq > cursor, model.change_seq <= cap]
    if technician and kind.customer_column is not None:
        conditions.append(kind.customer_attr().in_(scope))
    relevant = kind.relevant(user) if (technician and kind.relevant) else []
    deliverable = [model.deleted_at.is_(None), *relevant]
    if snapshot >= cap:
        conditions.extend(deliverable)
        stmt = select(model, text("1"))
    else:
        if snapshot > cursor:
            conditions.append(or_(model.change_seq > snapshot, and_(*deliverable)))
        stmt = select(model, and_(*relevant).label("relevant") if relevant else text("1"))
    stmt = stmt.where(*conditions)
    return stmt if limit is None else stmt.order_by(model.change_seq).limit(limit + 1)


def _first_sync_total(user, technician: bool, scope, cap: int) -> int:
    """How many changes a sync from 0 delivers in all (the device shows "received n of total")."""
    counts = [
        select(func.count()).select_from(_kind_query(kind, user, technician, scope, 0, cap, cap, None).subquery())
        for kind in all_kinds()
    ]
    return sum(db.session.scalar(stmt) or 0 for stmt in counts)


def pull(user: User, cursor: int, limit: int, client: SyncClient | None = None, snapshot: int | None = None) -> dict:
    """One page of changes after `cursor` (SYNC.md), with the next cursor and has_more.

    `snapshot` is what the first page of a sync from 0 answered; the device sends it back with
    the later pages of that sync, which then leave out what it never needs (module docstring).
    """
    cap = counter_value()
    check_cursor(cursor, cap, client)
    scope = scope_customer_ids(user)
    track_scope(client, scope, cursor)
    if client is not None:
        client.last_pull_at = utcnow()
        client.last_pull_cursor = cursor
        db.session.commit()
    technician = scope is not None
    # a snapshot from the device never reaches past what this server has committed
    snapshot = cap if cursor == 0 else min(snapshot or 0, cap)
    rows: list[tuple[int, object, object, bool]] = []
    for kind in all_kinds():
        stmt = _kind_query(kind, user, technician, scope, cursor, cap, snapshot, limit)
        for record, is_relevant in db.session.execute(stmt).all():
            rows.append((record.change_seq, kind, record, not bool(is_relevant)))
    rows.sort(key=lambda r: r[0])
    page = rows[:limit]
    has_more = len(rows) > limit
    next_cursor = page[-1][0] if has_more else max(cap, cursor)
    changes = [kind.change(record, out_of_scope=out) for _seq, kind, record, out in page]
    # the first page of a long first sync says how much is coming, for the device's progress
    total = {"total": _first_sync_total(user, technician, scope, cap)} if cursor == 0 and has_more else {}
    position = server_position(client)
    db.session.rollback()
    return {
        "changes": changes,
        "cursor": next_cursor,
        "has_more": has_more,
        "snapshot": snapshot if has_more and snapshot > next_cursor else None,
        "server_time": iso_datetime(utcnow()),
        "scope": {"customer_ids": scope},
        **total,
        **position,
    }


def purge_tombstones(days: int) -> dict:
    """Delete records tombstoned more than `days` ago and raise the tombstone horizon."""
    cutoff = utcnow() - timedelta(days=days)
    horizon = get_setting(TOMBSTONE_HORIZON)
    purged = skipped = 0
    for kind in children_first():
        model = kind.model
        rows = db.session.execute(
            select(model.id, model.change_seq).where(model.deleted_at.is_not(None), model.deleted_at < cutoff)
        ).all()
        for record_id, seq in rows:
            try:
                db.session.execute(delete(model).where(model.id == record_id))
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
                skipped += 1  # still referenced (a QR label, a device in it): kept as a tombstone
                continue
            purged += 1
            horizon = max(horizon, int(seq))
    setting = db.session.get(SyncSetting, TOMBSTONE_HORIZON)
    if setting is None:
        db.session.add(SyncSetting(key=TOMBSTONE_HORIZON, value=horizon))
    else:
        setting.value = max(int(setting.value), horizon)
    db.session.commit()
    return {"purged": purged, "skipped": skipped, "horizon": horizon}
