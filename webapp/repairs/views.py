"""Repair tickets: the inbox and ticket pages."""
from flask import Blueprint

bp = Blueprint("repairs", __name__)
