"""The kind registry: which records travel to devices, how their `data` is checked, who sees
them, and how a pushed create / update / delete is applied through the feature's services.

Registering a kind is one call, in a module of `sync/kinds/` (every module there is imported
when the sync blueprint is registered)::

    from sync.registry import SUBMISSION, register_kind
    from webapp.maintenance import services
    from webapp.maintenance.models import Inspection

    register_kind(
        "inspection",
        Inspection,
        record_type=SUBMISSION,
        create=lambda ctx, record_id, data: services.submit_inspection(ctx.user, data, record_id),
        read_only=("author_id", "state"),
    )

What the arguments mean:

- `name`: the kind's name on the wire (SYNC.md); `model`: a `SyncedMixin` model.
- `record_type`: `SHARED` (edited on both sides; updates name a `base_version` and merge
  field by field) or `SUBMISSION` (append-only: only `create`; a correction is a new record).
- `create(ctx, record_id, data) -> record`, `update(ctx, record, changes) -> record`,
  `delete(ctx, record) -> record`: call the feature's services (which check the rules and
  raise `DomainError`/`NotFound`/`Forbidden`), never commit. Leave one out and that operation
  is refused with code `unsupported_op`. `ctx` is a `SyncContext` (user, client id, seq).
  `restore(ctx, record)` (optional) clears a tombstone: the office uses it when it resolves
  "edited on a device after it was deleted" in the device's favour.
  `data` has been validated by the kind's schema; `changes` holds only the fields to change.
- `schema`: a marshmallow schema for `data`. Left out, one is built from the model's columns
  (lengths, types, nullability); `required` adds create-time required fields, `extra_fields`
  adds or replaces single fields (validators such as `OneOf`).
- `read_only`: columns the server sets (sent in pull, ignored in push); `create_only`:
  columns that may be set on create but never changed (`customer_id` by default).
- `customer_column`: the column naming the record's customer (`"id"` for the customer
  itself, None for records every user sees): a technician pulls only assigned customers.
- `relevant(user) -> [conditions]`: extra SQL conditions a *technician's* pull applies on top
  of visibility (open tickets only, the last year of submissions...). A record that stops
  being relevant reaches devices once as `deleted: true, out_of_scope: true`.
- `blobs`: {slot name in the mutation's `blobs`: column holding the SHA-256}; such a model
  has a boolean `complete` column, false until every blob has arrived.
- `names_blob(sha256) -> condition`: for a kind whose data names blobs inside a JSON value
  (a sheet's answers carry their photos' SHA-256s): the SQL condition "this record names the
  blob", so whoever may see the record may download the image (sync/blobs.py).

`data` in pull is the model's own columns minus the envelope (id, version, change_seq,
created_at, updated_at, deleted_at): dates as ISO dates, timestamps as ISO-8601 UTC with `Z`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Iterable

from marshmallow import Schema, fields, validate
from sqlalchemy import JSON, BigInteger, Boolean, Date, Integer, Numeric, String, Text, inspect

from webapp.auth.models import User
from webapp.clock import UTCDateTime

SHARED = "shared"
SUBMISSION = "submission"
RECORD_TYPES = (SHARED, SUBMISSION)
ENVELOPE = ("id", "version", "change_seq", "created_at", "updated_at", "deleted_at")
OPS = ("create", "update", "delete")


@dataclass
class SyncContext:
    """Who is writing and from which device, handed to every apply function."""

    user: User
    client_id: str | None = None
    seq: int | None = None


def iso_datetime(value: dt.datetime) -> str:
    """ISO-8601 in UTC with a Z, to the millisecond."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _dump_value(value: Any) -> Any:
    """A column value as JSON."""
    if isinstance(value, dt.datetime):
        return iso_datetime(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _field_for(column, *, read_only: bool, required: bool) -> fields.Field:
    """A marshmallow field for a column: type, length, nullability."""
    kwargs: dict[str, Any] = {"allow_none": bool(column.nullable)}
    if read_only:
        kwargs["dump_only"] = True
    elif required:
        kwargs["required"] = True
    ctype = column.type
    if isinstance(ctype, UTCDateTime):
        return fields.AwareDateTime(default_timezone=dt.timezone.utc, **kwargs)
    if isinstance(ctype, Boolean):
        return fields.Boolean(**kwargs)
    if isinstance(ctype, (Integer, BigInteger)):
        return fields.Integer(strict=True, **kwargs)
    if isinstance(ctype, Date):
        return fields.Date(**kwargs)
    if isinstance(ctype, Numeric):
        return fields.Decimal(as_string=True, **kwargs)
    if isinstance(ctype, JSON):
        return fields.Raw(**kwargs)
    if isinstance(ctype, String) and not isinstance(ctype, Text) and ctype.length:
        return fields.String(validate=validate.Length(max=ctype.length), **kwargs)
    return fields.String(**kwargs)


def data_columns(model: type) -> list[tuple[str, Any]]:
    """(attribute key, column) of a model's own columns, envelope left out, in table order."""
    mapper = inspect(model)
    out = []
    for attr in mapper.column_attrs:
        if attr.key in ENVELOPE:
            continue
        out.append((attr.key, attr.columns[0]))
    return out


def build_schema(
    name: str,
    model: type,
    *,
    read_only: Iterable[str] = (),
    required: Iterable[str] = (),
    extra: dict[str, fields.Field] | None = None,
) -> type[Schema]:
    """A marshmallow schema for a kind's `data`, derived from the model's columns."""
    read_only = set(read_only)
    required = set(required)
    declared: dict[str, fields.Field] = {}
    for key, column in data_columns(model):
        has_default = column.default is not None or column.server_default is not None
        must = key in required or (not column.nullable and not has_default)
        declared[key] = _field_for(column, read_only=key in read_only, required=must and key not in read_only)
    declared.update(extra or {})
    class_name = "".join(part.title() for part in name.split("_")) + "Data"
    schema = Schema.from_dict(declared, name=class_name)
    schema.__doc__ = f"`data` of a `{name}` record."
    return schema


@dataclass
class Kind:
    """One registered record kind."""

    name: str
    model: type
    record_type: str
    schema: type[Schema]
    create: Callable[[SyncContext, str, dict], Any] | None = None
    update: Callable[[SyncContext, Any, dict], Any] | None = None
    delete: Callable[[SyncContext, Any], Any] | None = None
    restore: Callable[[SyncContext, Any], Any] | None = None
    customer_column: str | None = "customer_id"
    relevant: Callable[[User], list] | None = None
    blobs: dict[str, str] = field(default_factory=dict)
    names_blob: Callable[[str], Any] | None = None
    read_only: frozenset[str] = frozenset()
    create_only: frozenset[str] = frozenset()
    description: str = ""
    _columns: list[tuple[str, Any]] = field(default_factory=list, repr=False)
    _schema_instance: Schema | None = field(default=None, repr=False)

    @property
    def ops(self) -> tuple[str, ...]:
        """The operations a device may push for this kind."""
        return tuple(op for op in OPS if getattr(self, op) is not None)

    @property
    def data_schema(self) -> Schema:
        """A reusable instance of the data schema."""
        if self._schema_instance is None:
            self._schema_instance = self.schema()
        return self._schema_instance

    @property
    def writable_fields(self) -> set[str]:
        """Fields a push may carry in `data`."""
        return {name for name, f in self.data_schema.fields.items() if not f.dump_only}

    def column_keys(self) -> list[str]:
        """The `data` keys of this kind, in table order."""
        return [key for key, _column in self._columns]

    def to_data(self, record: Any) -> dict[str, Any]:
        """The record's `data` as pull sends it."""
        out = {}
        for key, _column in self._columns:
            value = getattr(record, key)
            out[key] = None if value is None else _dump_value(value)
        return out

    def change(self, record: Any, *, out_of_scope: bool = False) -> dict[str, Any]:
        """The record as one pull change (also used as `server_state` in push results)."""
        change = {
            "kind": self.name,
            "id": record.id,
            "version": record.version,
            "change_seq": record.change_seq,
            "deleted": record.deleted_at is not None or out_of_scope,
            "data": self.to_data(record),
        }
        if out_of_scope:
            change["out_of_scope"] = True
        return change

    def customer_id_of(self, record: Any) -> str | None:
        """The customer a record belongs to, for visibility checks."""
        if self.customer_column is None:
            return None
        return getattr(record, self.customer_column)

    def customer_attr(self):
        """The mapped column naming the customer, for queries."""
        return getattr(self.model, self.customer_column) if self.customer_column else None


_KINDS: dict[str, Kind] = {}


def register_kind(
    name: str,
    model: type,
    *,
    record_type: str,
    create: Callable[[SyncContext, str, dict], Any] | None = None,
    update: Callable[[SyncContext, Any, dict], Any] | None = None,
    delete: Callable[[SyncContext, Any], Any] | None = None,
    restore: Callable[[SyncContext, Any], Any] | None = None,
    schema: type[Schema] | None = None,
    read_only: Iterable[str] = (),
    create_only: Iterable[str] = ("customer_id",),
    required: Iterable[str] = (),
    extra_fields: dict[str, Any] | None = None,
    customer_column: str | None = "customer_id",
    relevant: Callable[[User], list] | None = None,
    blobs: dict[str, str] | None = None,
    names_blob: Callable[[str], Any] | None = None,
    description: str = "",
) -> Kind:
    """Register (or replace) a sync kind; see the module docstring."""
    if record_type not in RECORD_TYPES:
        raise ValueError(f"record_type must be one of {RECORD_TYPES}")
    if record_type == SUBMISSION and (update or delete):
        raise ValueError("submissions are append-only: register create only")
    blobs = dict(blobs or {})
    read_only = set(read_only) | set(blobs.values()) | ({"complete"} if blobs else set())
    if create is None and update is None:
        read_only |= {key for key, _column in data_columns(model)}
    if schema is None:
        schema = build_schema(name, model, read_only=read_only, required=required, extra=extra_fields)
    kind = Kind(
        name=name,
        model=model,
        record_type=record_type,
        schema=schema,
        create=create,
        update=update,
        delete=delete,
        restore=restore,
        customer_column=customer_column,
        relevant=relevant,
        blobs=blobs,
        names_blob=names_blob,
        read_only=frozenset(read_only),
        create_only=frozenset(create_only),
        description=description or (model.__doc__ or "").strip().splitlines()[0],
        _columns=data_columns(model),
    )
    _KINDS[name] = kind
    return kind


def get_kind(name: str) -> Kind | None:
    """The kind registered under a name."""
    return _KINDS.get(name)


def all_kinds() -> list[Kind]:
    """Every registered kind, in registration order."""
    return list(_KINDS.values())


def children_first() -> list[Kind]:
    """Every kind, each before the kinds whose tables it refers to (the order to delete rows in).

    Derived from the models' foreign keys, not from the order of registration: a photo before
    the sheet it belongs to, a device before its cabinet, everything before its customer.
    Within that, kinds keep their registration order reversed.
    """
    kinds = list(reversed(all_kinds()))
    table_of = {kind.name: kind.model.__table__.name for kind in kinds}
    refers_to = {
        kind.name: {fk.column.table.name for fk in kind.model.__table__.foreign_keys} - {table_of[kind.name]}
        for kind in kinds
    }
    ordered: list[Kind] = []
    placed: set[str] = set()
    while len(ordered) < len(kinds):
        for kind in kinds:
            if kind.name in placed:
                continue
            # a kind may go once no kind still to place refers to its table
            waiting = [k for k in kinds if k.name not in placed and k.name != kind.name]
            if not any(table_of[kind.name] in refers_to[k.name] for k in waiting):
                ordered.append(kind)
                placed.add(kind.name)
                break
        else:
            raise ValueError("the sync kinds' tables refer to each other in a circle")
    return ordered


def kind_of_model(model: type) -> Kind | None:
    """The kind registered for a model."""
    for kind in _KINDS.values():
        if kind.model is model:
            return kind
    return None
