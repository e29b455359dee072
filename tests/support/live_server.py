"""The app on a real port: werkzeug's threaded server in a daemon thread, with a request log.

A "restart" (a new release, a restore from backup) pauses serving and resumes on the same
listening socket. Closing the socket and binding the port again would race every outgoing
connection on the machine: the port is taken from the ephemeral range, so a database client
may be handed it in between."""
from __future__ import annotations

import socketserver
import threading

from werkzeug.serving import make_server


class LiveServer:
    """A threaded werkzeug server running the app on 127.0.0.1."""

    def __init__(self, app):
        """Bind a free port and start serving."""
        self.app = app
        self.requests: list[str] = []
        log = self.requests

        def logging_app(environ, start_response):
            log.append(f"{environ['REQUEST_METHOD']} {environ.get('PATH_INFO', '')}")
            return app(environ, start_response)

        self.server = make_server("127.0.0.1", 0, logging_app, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread: threading.Thread | None = None
        self.closed = False
        self.resume()

    def resume(self) -> None:
        """Serve (again) on the socket this server holds."""
        if self.thread is None or not self.thread.is_alive():
            # socketserver's loop, not werkzeug's override: that one closes the socket when it returns.
            self.thread = threading.Thread(target=socketserver.BaseServer.serve_forever, args=(self.server, 0.1),
                                           daemon=True)
            self.thread.start()

    def pause(self) -> None:
        """Stop answering; the port stays bound (new connections wait in the backlog until resume)."""
        if self.thread is not None and self.thread.is_alive():
            self.server.shutdown()
            self.thread.join()

    def stop(self) -> None:
        """Stop serving and release the port (idempotent)."""
        self.pause()
        if not self.closed:
            self.server.server_close()
            self.closed = True
