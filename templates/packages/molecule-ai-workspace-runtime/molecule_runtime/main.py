"""`molecule-runtime` (DEVELOPMENT BUILD): adapter discovery, the auth token, and GET /health."""

import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from molecule_runtime import DISTRIBUTION, version
from molecule_runtime.discovery import AdapterError, load_adapter_name
from molecule_runtime.auth_token import ensure_token

DEFAULT_PORT = 8000


def health_document(adapter: str) -> bytes:
    return json.dumps(
        {
            "status": "ok",
            "runtime": DISTRIBUTION,
            "version": version(),
            "adapter": adapter,
            "development": True,
        }
    ).encode()


def make_handler(body: bytes) -> type[BaseHTTPRequestHandler]:
    class HealthHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            if self.path.split("?", 1)[0] != "/health":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            # Readiness probes poll /health; one line per request would drown the start line.
            pass

    return HealthHandler


def main() -> int:
    try:
        adapter = load_adapter_name()
    except AdapterError as error:
        print(f"molecule-runtime: {error}", file=sys.stderr)
        return 2

    configs_dir = Path(os.environ.get("CONFIGS_DIR") or "/configs")
    try:
        ensure_token(configs_dir)
    except OSError as error:
        print(f"molecule-runtime: cannot write the auth token in {configs_dir}: {error}", file=sys.stderr)
        return 2

    port = int(os.environ.get("RUNTIME_PORT") or DEFAULT_PORT)
    server = ThreadingHTTPServer(("0.0.0.0", port), make_handler(health_document(adapter)))
    stop = threading.Event()
    # PID 1 ignores SIGTERM unless it installs a handler; stop promptly and exit 0.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print(
        f"molecule-runtime {version()} (DEVELOPMENT BUILD) adapter={adapter} "
        f"listening on 0.0.0.0:{port} uid={os.getuid()}",
        flush=True,
    )
    stop.wait()
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
