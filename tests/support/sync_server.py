"""The app in a process of its own, for killing it mid-batch (SYNC.md test 5).

    python -m tests.support.sync_server DB_URL BLOB_DIR PORT_FILE [PAUSE_AT_SEQ MARKER_FILE]

With PAUSE_AT_SEQ the server applies that mutation inside its transaction, writes MARKER_FILE
and then hangs before committing, so the test can kill it at a known point.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from werkzeug.serving import make_server

from config import TestConfig
from webapp import create_app
from webapp.extensions import db


def main() -> None:
    """Serve until killed."""
    db_url, blob_dir, port_file = sys.argv[1:4]
    pause_at = int(sys.argv[4]) if len(sys.argv) > 4 else None
    marker = Path(sys.argv[5]) if len(sys.argv) > 5 else None
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": db_url, "BLOB_STORAGE_DIR": blob_dir})
    if pause_at is not None:
        import sync.push as push

        original = push.apply_mutation

        def apply_then_hang(ctx, mutation):
            """Apply as usual; at the chosen seq, hang inside the open transaction."""
            outcome = original(ctx, mutation)
            if ctx.seq == pause_at:
                db.session.flush()
                marker.write_text(str(ctx.seq))
                time.sleep(3600)
            return outcome

        push.apply_mutation = apply_then_hang
    server = make_server("127.0.0.1", 0, app, threaded=True)
    Path(port_file).write_text(str(server.server_port))
    server.serve_forever()


if __name__ == "__main__":
    main()
