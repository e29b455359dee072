"""The order of the sync kinds: registration is named in one list; deleting goes children first."""
from __future__ import annotations

import pkgutil
from types import SimpleNamespace

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table

import sync.kinds
from sync import registry
from sync.kinds import MODULES


def tables_referred_to(kind) -> set[str]:
    """The other tables a kind's rows point at."""
    own = kind.model.__table__.name
    return {fk.column.table.name for fk in kind.model.__table__.foreign_keys} - {own}


def assert_children_first(order) -> None:
    """Every kind comes before each kind whose table it refers to."""
    position = {kind.model.__table__.name: index for index, kind in enumerate(order)}
    for index, kind in enumerate(order):
        for table in tables_referred_to(kind):
            if table in position:
                assert index < position[table], f"{kind.name} must be deleted before {table}"


def test_every_kinds_module_is_named_in_the_load_order(app):
    """A new module in sync/kinds that is not listed in MODULES would never register."""
    found = {info.name for info in pkgutil.iter_modules(sync.kinds.__path__)}
    assert found == set(MODULES)


def test_kinds_register_parents_first(app):
    """Customers come before their devices, tickets before their events (openapi and review order)."""
    names = [kind.name for kind in registry.all_kinds()]
    assert names.index("customer") < names.index("cabinet") < names.index("device") < names.index("repair_ticket")
    assert names.index("repair_ticket") < names.index("repair_event")


def test_children_first_puts_every_kind_before_what_it_refers_to(app):
    """The delete order puts photos before sheets, devices before cabinets, everything before customers."""
    order = registry.children_first()
    assert {kind.name for kind in order} == {kind.name for kind in registry.all_kinds()}
    assert_children_first(order)
    assert order[-1].name == "customer"


def test_children_first_does_not_depend_on_the_registration_order(app, monkeypatch):
    """Registered in the worst order (parents last), the delete order is still children first."""
    reversed_kinds = dict(reversed(list(registry._KINDS.items())))
    monkeypatch.setattr(registry, "_KINDS", reversed_kinds)
    assert_children_first(registry.children_first())


def test_kinds_that_refer_to_each_other_in_a_circle_are_refused(app, monkeypatch):
    """If two kinds' tables pointed at each other no delete order would exist: it says so."""
    metadata = MetaData()
    Table("a", metadata, Column("id", Integer, primary_key=True), Column("b_id", ForeignKey("b.id")))
    Table("b", metadata, Column("id", Integer, primary_key=True), Column("a_id", ForeignKey("a.id")))
    fakes = {
        name: SimpleNamespace(name=name, model=SimpleNamespace(__table__=metadata.tables[name]))
        for name in ("a", "b")
    }
    monkeypatch.setattr(registry, "_KINDS", fakes)
    with pytest.raises(ValueError, match="circle"):
        registry.children_first()
