"""The README's production set-up, step for step: PostgreSQL, Redis for the rate limits, gunicorn
with 4 workers. The sign-in limit holds across workers and a push goes through end to end."""
from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the project's .venv/bin
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
DATABASE = "prod_setup_test"
REDIS_URL = "redis://127.0.0.1:6379/14"  # a database of its own, emptied before and after
LOGIN_LIMIT = 10  # config.py's LOGIN_RATE_LIMIT default: "10 per minute"
REPORT_LIMIT = 5  # config.py's PUBLIC_REPORT_RATE_LIMIT default: "5 per hour"
ADMIN_PASSWORD = "Prod-Setup-2026!"
ACCESS_LOG_FORMAT = '%(h)s %(p)s "%(r)s" %(s)s %(b)s'


def _reachable() -> str | None:
    """Why PostgreSQL or Redis cannot be used here, or None when both answer."""
    try:
        psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3).close()
    except psycopg.Error as err:
        return f"PostgreSQL at 127.0.0.1:5432: {err}"
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as err:
        return f"Redis at 127.0.0.1:6379: {err}"
    return None


def _free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _recreate_database() -> None:
    """A fresh, empty database for this run."""
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")


def _drop_database() -> None:
    """Remove the run's database."""
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def _run(env: dict, *args: str, stdin: str | None = None) -> str:
    """One command of the README, in the project folder; it must succeed."""
    done = subprocess.run(args, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


@dataclass
class Answer:
    """One HTTP answer: status, headers, cookies set, the parsed JSON body and the raw text."""

    status: int
    headers: dict
    cookies: list[str]
    body: dict
    text: str


@dataclass
class Server:
    """The running production set-up: its address and access log."""

    url_host: str
    port: int
    access_log: Path

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None,
                jar: dict | None = None, form: dict | None = None) -> Answer:
        """A request on a fresh connection (so any worker may take it), cookies from `jar`;
        a JSON `body` or an HTML `form`."""
        conn = HTTPConnection(self.url_host, self.port, timeout=30)
        if form is not None:
            sent, data = {"Content-Type": "application/x-www-form-urlencoded"}, urlencode(form)
        else:
            sent, data = {"Content-Type": "application/json"}, json.dumps(body) if body is not None else None
        sent.update(headers or {})
        if jar:
            # the cookies are marked Secure (SESSION_COOKIE_SECURE=1); HTTPS would sit in front
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        conn.request(method, path, body=data, headers=sent)
        response = conn.getresponse()
        raw = response.read()
        set_cookies = response.msg.get_all("Set-Cookie") or []
        conn.close()
        if jar is not None:
            for line in set_cookies:
                for name, morsel in SimpleCookie(line).items():
                    jar[name] = morsel.value
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError:
            parsed = {}
        return Answer(response.status, dict(response.getheaders()), set_cookies, parsed, raw.decode("utf-8", "replace"))

    def log_lines(self) -> list[str]:
        """The access log so far."""
        return self.access_log.read_text().splitlines() if self.access_log.exists() else []


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """The README's production section run for real: settings, migrations, first admin, gunicorn -w 4."""
    problem = _reachable()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"the production set-up needs {problem} (.ci/run starts both)")
        pytest.skip(f"needs {problem}")
    tmp = tmp_path_factory.mktemp("production")
    _recreate_database()
    limits = redis.Redis.from_url(REDIS_URL)
    limits.flushdb()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "RATELIMIT_", "LOGIN_RATE"))}
    env.update({
        "FLASK_APP": "webapp:create_app",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{DATABASE}",
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "SESSION_COOKIE_SECURE": "1",
        "BLOB_STORAGE_DIR": str(tmp / "blobs"),
        "DOCUMENT_STORAGE_DIR": str(tmp / "documents"),
    })
    assert (ROOT / "static/dist/asset-manifest.json").exists(), "run `npm ci && npm run build` first (make setup)"
    _run(env, str(BIN / "pybabel"), "compile", "-d", "webapp/translations")
    _run(env, str(BIN / "flask"), "db", "upgrade")
    created = _run(env, str(BIN / "flask"), "create-user", "admin", "--role", "admin", "--name", "系统管理员",
                   stdin=f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n")
    assert "User admin (admin) created." in created
    port = _free_port()
    access_log = tmp / "access.log"
    with open(access_log, "w") as out, open(tmp / "error.log", "w") as err:
        gunicorn = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", "4", "-b", f"127.0.0.1:{port}", "--access-logfile", "-",
             "--access-logformat", ACCESS_LOG_FORMAT, "webapp:create_app()"],
            cwd=ROOT, env=env, stdout=out, stderr=err,
        )
    server = Server("127.0.0.1", port, access_log)
    try:
        _wait_until_serving(server, gunicorn, tmp / "error.log")
        yield server, limits
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        try:
            gunicorn.wait(timeout=30)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
            gunicorn.wait()
        limits.flushdb()
        _drop_database()


def _wait_until_serving(server: Server, gunicorn: subprocess.Popen, error_log: Path) -> None:
    """Wait for gunicorn to answer (or fail with its error log if it exits)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert gunicorn.poll() is None, f"gunicorn exited:\n{error_log.read_text()}"
        try:
            if server.request("GET", "/login").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise AssertionError(f"gunicorn did not answer within 120 s:\n{error_log.read_text()}")


def _sign_in(server: Server, password: str = ADMIN_PASSWORD, jar: dict | None = None) -> Answer:
    """POST /api/auth/session as the administrator."""
    return server.request("POST", "/api/auth/session", {"username": "admin", "password": password}, jar=jar)


def _pull_all(server: Server, headers: dict, jar: dict) -> list[dict]:
    """Every change a pull from 0 returns."""
    changes, cursor = [], 0
    while True:
        pulled = server.request("GET", f"/api/sync/pull?cursor={cursor}", headers=headers, jar=jar)
        assert pulled.status == 200, pulled.body
        changes += pulled.body["changes"]
        cursor = pulled.body["cursor"]
        if not pulled.body["has_more"]:
            return changes


def _burst(server: Server, attempt, count: int, path: str) -> tuple[list[int], set[str]]:
    """`count` calls of attempt() in parallel on fresh connections; their statuses, and the pids
    of the workers that answered them (from the access log lines of `path`)."""
    before = len(server.log_lines())
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(lambda _i: attempt(), range(count)))

    def logged() -> list[str]:
        """The burst's lines of the access log (a worker writes its line just after answering)."""
        return [line for line in server.log_lines()[before:] if f'"POST {path}' in line]

    deadline = time.monotonic() + 10
    while len(logged()) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    lines = logged()
    assert len(lines) == count, lines
    return statuses, {re.match(r"\S+ <(\d+)> ", line).group(1) for line in lines}


@pytest.fixture(scope="module")
def office(production):
    """The administrator signed in through the API, with a school and a labelled switch pushed."""
    server, _limits = production
    jar: dict = {}
    signed_in = _sign_in(server, jar=jar)
    assert signed_in.status == 200, signed_in.body
    assert all("Secure" in line and "HttpOnly" in line for line in signed_in.cookies)
    assert "script-src 'self'" in signed_in.headers["Content-Security-Policy"]
    client_id = str(uuid.uuid4())
    headers = {"X-CSRFToken": signed_in.body["csrf_token"], "X-Client-Id": client_id}
    customer_id, device_id = str(uuid.uuid4()), str(uuid.uuid4())
    pushed = server.request("POST", "/api/sync/push", {"client_id": client_id, "mutations": [
        {"seq": 1, "kind": "customer", "op": "create", "id": customer_id, "base_version": None,
         "data": {"name": "滨江第一中学", "kind": "school", "address": "滨江区江南大道1号"}},
        {"seq": 2, "kind": "device", "op": "create", "id": device_id, "base_version": None,
         "data": {"customer_id": customer_id, "name": "核心交换机", "category": "switch", "quantity": 1}},
    ]}, headers=headers, jar=jar)
    assert [r["status"] for r in pushed.body["results"]] == ["applied", "applied"], pushed.body
    (device,) = [c for c in _pull_all(server, headers, jar) if c["id"] == device_id]
    return {"jar": jar, "headers": headers, "client_id": client_id, "customer_id": customer_id,
            "qr_token": device["data"]["qr_token"]}


def test_a_push_goes_through_end_to_end(production, office):
    """Signed in through the API: a pushed diary entry is applied and comes back in a pull."""
    server, _limits = production
    entry_id = str(uuid.uuid4())
    pushed = server.request("POST", "/api/sync/push", {"client_id": office["client_id"], "mutations": [
        {"seq": 3, "kind": "diary_entry", "op": "create", "id": entry_id, "base_version": None,
         "data": {"customer_id": office["customer_id"], "date": "2026-12-01", "text": "机房巡检，设备运行正常。"}},
    ]}, headers=office["headers"], jar=office["jar"])
    assert pushed.status == 200, pushed.body
    assert [r["status"] for r in pushed.body["results"]] == ["applied"], pushed.body
    assert pushed.body["last_seq"] == 3
    entries = [c for c in _pull_all(server, office["headers"], office["jar"]) if c["id"] == entry_id]
    assert len(entries) == 1 and entries[0]["data"]["text"] == "机房巡检，设备运行正常。"


def test_the_public_report_limit_holds_across_the_four_workers(production, office):
    """A visitor sends three times the public report limit from a label's page in parallel:
    several workers answer, exactly REPORT_LIMIT become tickets, the rest get 429."""
    server, limits = production
    limits.flushdb()
    path = f"/q/{office['qr_token']}/report"
    visitor: dict = {}
    page = server.request("GET", f"/q/{office['qr_token']}", jar=visitor)
    assert page.status == 200
    csrf_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    form = {"csrf_token": csrf_token, "description": "交换机指示灯全灭，整层楼没有网络", "location": "三楼",
            "reporter_name": "李老师", "reporter_phone": "138 1234 5678", "website": ""}
    attempts = 3 * REPORT_LIMIT
    statuses, pids = _burst(server, lambda: server.request("POST", path, jar=dict(visitor), form=form).status,
                            attempts, path)
    assert statuses.count(302) == REPORT_LIMIT and statuses.count(429) == attempts - REPORT_LIMIT, statuses
    assert len(pids) >= 2, f"only worker(s) {pids} answered: the test did not spread over workers"
    with psycopg.connect(f"{PG_SERVER}/{DATABASE}") as conn:
        made = conn.execute("SELECT count(*) FROM repair_ticket WHERE source = 'public_qr'").fetchone()[0]
    assert made == REPORT_LIMIT


def test_the_sign_in_limit_holds_across_the_four_workers(production):
    """Three times the limit in wrong passwords, in parallel on fresh connections: several workers
    answer, exactly LOGIN_LIMIT get through to the password check, the rest get 429 — and then
    even the right password waits."""
    server, limits = production
    limits.flushdb()  # a fresh window: what other tests of this module signed in does not count
    attempts = 3 * LOGIN_LIMIT
    answers: list[Answer] = []

    def attempt() -> int:
        """One wrong sign-in."""
        answer = _sign_in(server, password="wrong-password")
        answers.append(answer)
        return answer.status

    statuses, pids = _burst(server, attempt, attempts, "/api/auth/session")
    assert statuses.count(401) == LOGIN_LIMIT, statuses
    assert statuses.count(429) == attempts - LOGIN_LIMIT, statuses
    assert {a.body["error"]["code"] for a in answers if a.status == 401} == {"invalid_credentials"}
    assert len(pids) >= 2, f"only worker(s) {pids} answered: the test did not spread over workers"
    assert _sign_in(server).status == 429
    assert any(key.startswith(b"LIMITS") for key in limits.keys()), "the counters are not in Redis"
