"""The installable app: /sw.js, /manifest.webmanifest, /offline."""
from flask import Blueprint

bp = Blueprint("pwa", __name__)
