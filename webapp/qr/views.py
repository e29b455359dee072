"""QR labels: /q/<token>, the public fault-report page, label sheets."""
from flask import Blueprint

bp = Blueprint("qr", __name__)
