"""Configuration classes; every setting can be overridden from the environment."""
import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings for running the app; SQLite in instance/ unless DATABASE_URL says otherwise."""

    # Without SECRET_KEY in the environment, create_app keeps a random key in instance/secret_key,
    # so no installation ever runs with a key that is known from the source.
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'fieldservice.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Field devices carry the session cookie for days while offline.
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    # A sign-in (and its remember-me cookie) lasts this many days from typing the password,
    # long enough for a week in the field without signal; signing out ends it at once.
    SIGN_IN_DAYS = float(os.environ.get("SIGN_IN_DAYS", 30))
    REMEMBER_COOKIE_DURATION = timedelta(days=SIGN_IN_DAYS)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # a form opened in the morning is still valid in the evening
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("SITE_TIMEZONE", "Asia/Shanghai")
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "webapp" / "translations")
    LANGUAGES = ["zh", "en"]
    # Number of reverse proxies in front (nginx: 1) whose X-Forwarded-* headers are trusted.
    TRUST_PROXY_HOPS = int(os.environ.get("TRUST_PROXY_HOPS", 0))
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    PUBLIC_REPORT_RATE_LIMIT = os.environ.get("PUBLIC_REPORT_RATE_LIMIT", "5 per hour")
    # The address printed in QR labels (e.g. https://om.example.cn); empty: the address the
    # label sheet was requested on. Set it when the app sits behind a proxy or has two names.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
    BLOB_STORAGE_DIR = os.environ.get("BLOB_STORAGE_DIR", str(BASE_DIR / "instance" / "blobs"))
    DOCUMENT_STORAGE_DIR = os.environ.get(
        "DOCUMENT_STORAGE_DIR", str(BASE_DIR / "instance" / "documents")
    )
    # "folder" keeps blobs and documents in the two folders above (one app server); "s3" keeps
    # them in one S3-compatible bucket under blobs/ and documents/, shared by several servers.
    # Credentials come from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables.
    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "folder")
    S3_BUCKET = os.environ.get("S3_BUCKET", "")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "")  # empty: AWS itself
    S3_REGION = os.environ.get("S3_REGION", "")
    BLOB_MAX_BYTES = int(os.environ.get("BLOB_MAX_BYTES", 8 * 1024 * 1024))
    BLOB_MAX_PIXELS = int(os.environ.get("BLOB_MAX_PIXELS", 24_000_000))
    # Request body caps (webapp/request_body.py): every route has one; over it answers 413.
    REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES", 1024 * 1024))  # pages' forms
    SIGN_IN_MAX_BYTES = int(os.environ.get("SIGN_IN_MAX_BYTES", 16 * 1024))
    SYNC_PUSH_MAX_BYTES = int(os.environ.get("SYNC_PUSH_MAX_BYTES", 10 * 1024 * 1024))  # the client splits
    ARCHIVE_IMPORT_MAX_BYTES = int(os.environ.get("ARCHIVE_IMPORT_MAX_BYTES", 10 * 1024 * 1024))
    # How deeply a JSON body may nest. A push is allowed more, so that an oddly nested mutation
    # parses and is answered on its own (sync/screen.py walks its depth without recursion and
    # rejects it, SYNC.md test 14); deeper than SYNC_PUSH_MAX_DEPTH the batch is a 400.
    JSON_MAX_DEPTH = int(os.environ.get("JSON_MAX_DEPTH", 32))
    SYNC_PUSH_MAX_DEPTH = int(os.environ.get("SYNC_PUSH_MAX_DEPTH", 2000))
    PDF_FONT_PATH = os.environ.get(
        "PDF_FONT_PATH", str(BASE_DIR / "webapp" / "documents" / "fonts" / "wqy-microhei.ttc")
    )
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_FROM = os.environ.get("MAIL_FROM", "om-service@localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 25))
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_SMTP_CLASS = None  # smtplib.SMTP; tests put a fake server class here
    # Share (0..1) of signed repairs the office calls back (回访); fixed per ticket. Every repair
    # whose customer signed as not satisfied is called back as well.
    FOLLOW_UP_SAMPLE_RATE = float(os.environ.get("FOLLOW_UP_SAMPLE_RATE", 0.3))
    ITEMS_PER_PAGE = 50
    # Repair deadline clocks (webapp/repairs/deadlines.py). A same-day clock is "at risk" in its
    # last DEADLINE_AT_RISK_HOURS; the factory return in its last DEADLINE_AT_RISK_WORKING_DAYS.
    DEADLINE_AT_RISK_HOURS = float(os.environ.get("DEADLINE_AT_RISK_HOURS", 2))
    DEADLINE_AT_RISK_WORKING_DAYS = int(os.environ.get("DEADLINE_AT_RISK_WORKING_DAYS", 2))
    FACTORY_RETURN_WORKING_DAYS = int(os.environ.get("FACTORY_RETURN_WORKING_DAYS", 10))
    AGREED_ARRIVAL_GRACE_MINUTES = int(os.environ.get("AGREED_ARRIVAL_GRACE_MINUTES", 0))
    # A device's event time is trusted within this many minutes of the server's clocks;
    # a report time may lie this many days before the server received the ticket.
    DEVICE_CLOCK_TOLERANCE_MINUTES = int(os.environ.get("DEVICE_CLOCK_TOLERANCE_MINUTES", 10))
    REPORT_MAX_BACKDATE_DAYS = int(os.environ.get("REPORT_MAX_BACKDATE_DAYS", 30))
    # A training handout (slides, a manual) may be this large; its upload route takes this much.
    TRAINING_MATERIAL_MAX_BYTES = int(os.environ.get("TRAINING_MATERIAL_MAX_BYTES", 20 * 1024 * 1024))
    DEMO_PASSWORD = "demo1234"


class TestConfig(Config):
    """Settings for the test suite: a throw-away database, no CSRF unless a test asks for it."""

    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    SERVER_NAME = None
