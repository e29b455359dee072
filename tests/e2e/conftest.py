"""End-to-end fixtures: a live server on a real port and Debian's Chromium driven by Playwright."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.live_server import LiveServer

# Playwright's `expect` gives up after 5 s; on a loaded CI machine (two passes side by side) a page
# that files a PDF can take longer. A passing expectation still returns as soon as it holds.
expect.set_options(timeout=20_000)


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def chromium_path() -> str:
    """Debian's Chromium (the real binary avoids the wrapper's noise); CHROMIUM_PATH overrides."""
    if os.environ.get("CHROMIUM_PATH"):
        return os.environ["CHROMIUM_PATH"]
    for candidate in ("/usr/lib/chromium/chromium", "/usr/bin/chromium", shutil.which("chromium") or ""):
        if candidate and os.path.exists(candidate):
            return candidate
    raise RuntimeError("Chromium not found: run `make test` (it installs Debian's chromium) or set CHROMIUM_PATH")


CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


FONTS = Path(__file__).resolve().parents[2] / "webapp" / "documents" / "fonts"


@pytest.fixture(scope="session")
def fontconfig_file(tmp_path_factory) -> Path:
    """A fontconfig file adding the Chinese font the project ships, so screenshots show Chinese, not boxes."""
    path = tmp_path_factory.mktemp("fontconfig") / "fonts.conf"
    system = '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
    path.write_text(f'<?xml version="1.0"?>\n<fontconfig>{system}<dir>{FONTS}</dir></fontconfig>\n', encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, fontconfig_file):
    """pytest-playwright: launch Debian's Chromium with the flags and the fonts this machine needs."""
    env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig_file)}
    return {**browser_type_launch_args, "executable_path": chromium_path(), "args": CHROMIUM_FLAGS, "env": env}


@pytest.fixture
def live_app(make_app):
    """The app for a live server, schema ready, with demo-like data loaded by the test."""
    app = make_app(RATELIMIT_ENABLED=False)
    return app


@pytest.fixture
def live_server(live_app):
    """A running server; stopped after the test."""
    server = LiveServer(live_app)
    yield server
    server.stop()


@pytest.fixture
def screenshot_dir() -> Path:
    """Where e2e tests leave screenshots for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def pytest_collection_modifyitems(items):
    """Every test in tests/e2e is an e2e test."""
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="module")
def built_assets():
    """The bundles the app serves, built from the current sources (field-app modules use it)."""
    from tests.support.field_app import ensure_built

    return ensure_built()


@pytest.fixture
def field_data(live_app):
    """A technician with a school, a cabinet and two devices."""
    from tests.support.field_app import seed_field_data

    return seed_field_data(live_app)
