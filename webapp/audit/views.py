"""The audit log, for the department head."""
from flask import Blueprint

bp = Blueprint("audit", __name__)
