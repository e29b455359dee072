"""The archive's read API for scripts and the office's tools: customers and devices as JSON.

The field app does not use it (it pulls through the sync API); pages are in `views.py`.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user, login_required

from ..auth.permissions import get_visible
from ..paging import page_number
from . import queries
from .models import Cabinet, Customer, Device
from .queries import DeviceFilters
from .schemas import CustomerDetailSchema, CustomerSchema, DeviceSchema

bp = Blueprint("archive_api", __name__)



def _page_json(page, items: list[dict]) -> dict:
    """A page of results in the API's envelope."""
    return {"items": items, "page": page.page, "pages": page.pages, "per_page": page.per_page, "total": page.total}


def _per_page() -> int:
    """?per_page=, at most 200, default ITEMS_PER_PAGE."""
    default = current_app.config.get("ITEMS_PER_PAGE", 50)
    return min(max(request.args.get("per_page", default, type=int) or default, 1), 200)


@bp.route("/api/customers")
@login_required
def customer_list():
    """Customers the signed-in user may see (?q=, ?include_retired=1, ?page=, ?per_page=)."""
    stmt = queries.customer_query(
        current_user, request.args.get("q", "")[:100], request.args.get("include_retired") == "1"
    )
    page = queries.paginate(stmt, page_number(), _per_page())
    ids = [c.id for c in page.items]
    devices = queries.counts_by_customer(Device, ids)
    cabinets = queries.counts_by_customer(Cabinet, ids)
    items = []
    for customer, dumped in zip(page.items, CustomerSchema(many=True).dump(page.items)):
        dumped["device_count"] = devices.get(customer.id, 0)
        dumped["cabinet_count"] = cabinets.get(customer.id, 0)
        items.append(dumped)
    return jsonify(_page_json(page, items))


@bp.route("/api/customers/<customer_id>")
@login_required
def customer_detail(customer_id: str):
    """One customer with contacts, technicians, sites, cabinets and handover items."""
    customer = get_visible(Customer, customer_id, current_user)
    body = CustomerDetailSchema().dump(customer)
    counts = queries.device_counts_by_cabinet(c["id"] for c in body["cabinets"])
    for cabinet in body["cabinets"]:
        cabinet["device_count"] = counts.get(cabinet["id"], 0)
    body["device_count"] = queries.counts_by_customer(Device, [customer.id]).get(customer.id, 0)
    return jsonify(body)


@bp.route("/api/devices")
@login_required
def device_list():
    """Devices the user may see (?q=, ?customer_id=, ?cabinet_id=, ?brand=, ?model=, ?serial=, ?category=)."""
    args = request.args
    filters = DeviceFilters(
        text=args.get("q", "")[:100],
        customer_id=args.get("customer_id", ""),
        cabinet_id=args.get("cabinet_id", ""),
        brand=args.get("brand", "")[:100],
        model=args.get("model", "")[:100],
        serial=args.get("serial", "")[:100],
        category=args.get("category", ""),
        include_retired=args.get("include_retired") == "1",
    )
    page = queries.paginate(queries.device_query(current_user, filters), page_number(), _per_page())
    return jsonify(_page_json(page, DeviceSchema(many=True).dump(page.items)))


@bp.route("/api/devices/<device_id>")
@login_required
def device_detail(device_id: str):
    """One device."""
    device = get_visible(Device, device_id, current_user)
    body = DeviceSchema().dump(device)
    state, days = queries.warranty_state(device)
    body["warranty_state"] = state
    return jsonify(body)
