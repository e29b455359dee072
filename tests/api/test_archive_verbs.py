"""The archive verbs below every door: what a new record gets and who may change which device field."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.support.archive import make_district
from webapp.archive import services
from webapp.archive.models import QrLabel
from webapp.errors import DomainError, Forbidden, NotFound
from webapp.extensions import db


@pytest.fixture
def district(app):
    """Two schools and one user per role."""
    return make_district()


def new_device(**overrides) -> dict:
    """Valid values for a new device."""
    data = {"name": "门口枪机-01", "category": "camera", "quantity": 1, "serial": "NEW-0001"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("kind, data", [
    ("cabinet", {"name": "三号机柜"}),
    ("device", new_device()),
])
def test_a_record_created_through_the_service_gets_its_qr_label(district, kind, data):
    """Any door that creates a cabinet or device through create_record gets a label with it."""
    record = services.create_record(district.office, kind, district.mine, data)
    db.session.commit()
    label = db.session.get(QrLabel, record.qr_token)
    assert record.qr_token and label is not None and label.revoked_at is None
    assert (label.cabinet_id if kind == "cabinet" else label.device_id) == record.id


def test_the_label_names_the_id_the_device_chose(district):
    """A record created with the id a field device made is labelled under that id."""
    record_id = "7c0e6b9e-6a53-4c33-9d3a-2f0a3f7b1c11"
    device = services.add_to_customer(district.office, "device", new_device(customer_id=district.mine.id), record_id)
    db.session.commit()
    assert device.id == record_id
    assert db.session.get(QrLabel, device.qr_token).device_id == record_id


def test_contacts_and_sites_get_no_label(district):
    """Only cabinets and devices carry a QR label."""
    site = services.create_record(district.office, "site", district.mine, {"name": "北校区"})
    db.session.commit()
    assert not hasattr(site, "qr_token")
    assert db.session.scalars(select(QrLabel).where(QrLabel.cabinet_id == site.id)).first() is None


def test_a_refused_create_issues_no_label(district):
    """Data the rules refuse creates neither the record nor a label."""
    before = len(db.session.scalars(select(QrLabel)).all())
    with pytest.raises(DomainError):
        services.create_record(district.office, "device", district.mine, new_device(category="toaster"))
    db.session.rollback()
    assert len(db.session.scalars(select(QrLabel)).all()) == before


def test_add_to_customer_refuses_a_customer_the_user_cannot_see(district):
    """A technician's create for a school not assigned to them answers not found."""
    with pytest.raises(NotFound):
        services.add_to_customer(district.tech, "device", new_device(customer_id=district.other.id))


def test_office_changes_any_device_field(district):
    """The office may change the brand, which a technician may not."""
    services.update_device(district.office, district.device, {"brand": "锐捷"})
    assert district.device.brand == "锐捷"


def test_technician_corrects_version_serial_and_notes(district):
    """Its technician may correct the software version, serial number and notes of a device."""
    services.update_device(district.tech, district.device, {"software_version": "V2.0", "serial": "HW-0009", "notes": "换过主板"})
    assert (district.device.software_version, district.device.serial, district.device.notes) == ("V2.0", "HW-0009", "换过主板")


def test_technician_may_not_change_other_device_fields(district):
    """Any other field is refused, named field by field, and nothing changes."""
    with pytest.raises(Forbidden) as refused:
        services.update_device(district.tech, district.device, {"brand": "锐捷", "notes": "x"})
    assert set(refused.value.errors) == {"brand"}
    assert district.device.brand == "华为" and district.device.notes != "x"


def test_technician_may_not_change_a_device_of_another_school(district):
    """A device of a customer not assigned to the technician cannot be changed at all."""
    with pytest.raises(Forbidden):
        services.update_device(district.tech, district.other_device, {"notes": "x"})


def test_quality_may_not_change_devices(district):
    """The quality role reads the archive but changes nothing."""
    with pytest.raises(Forbidden):
        services.update_device(district.quality, district.device, {"notes": "x"})


def test_technician_serial_must_stay_unique(district):
    """A corrected serial that another device of the school has is refused on the serial."""
    other = services.create_record(district.office, "device", district.mine, new_device(serial="DUP-1"))
    db.session.flush()
    with pytest.raises(DomainError) as refused:
        services.update_device(district.tech, district.device, {"serial": "dup-1"})
    assert "serial" in refused.value.errors and other.serial == "DUP-1"


def test_an_update_checks_the_record_as_it_will_be(district):
    """A partial change is checked together with the record's other values."""
    with pytest.raises(DomainError) as refused:
        services.update_record(district.office, district.device, {"install_date": district.device.warranty_end, "warranty_end": district.device.install_date})
    assert "warranty_end" in refused.value.errors
