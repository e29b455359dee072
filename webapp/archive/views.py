"""Archive pages: customers, sites, cabinets, devices, handover items."""
from flask import Blueprint

bp = Blueprint("archive", __name__)
