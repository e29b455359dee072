"""The sync API of shared/SYNC.md: push, pull, blobs, conflicts."""
from flask import Blueprint

bp = Blueprint("sync", __name__, url_prefix="/api/sync")
