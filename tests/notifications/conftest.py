"""A local webhook server the tests start: it records every request and fails the first N
(HTTP 500 or a robot's errcode), and checks DingTalk's signature as DingTalk does."""

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass
class Received:
    path: str
    query: dict[str, str]
    body: dict


@dataclass
class Hook:
    port: int
    fail_first: int = 0
    fail_with: str = "http"  # "http": a 500; "errcode": 200 with {"errcode": 310000}
    secret: str = ""  # a DingTalk signing secret: a request without the right sign is refused
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str = "/robot/send?access_token=t0k3n") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def accepted(self) -> list[Received]:
        return [r for r in self.received if r.query.get("accepted") == "1"]


def dingtalk_signature_ok(secret: str, timestamp: str, sign: str, *, now_ms: int | None = None) -> bool:
    """DingTalk's check: the timestamp within an hour, and the sign the base64 HMAC-SHA256
    of "timestamp\\nsecret" (parse_qs has already URL-decoded it)."""
    now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
    if not timestamp.isascii() or not timestamp.isdecimal() or abs(now_ms - int(timestamp)) > 3600 * 1000:
        return False
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    return hmac.compare_digest(expected, sign)


def _handler(hook: Hook):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _answer(self, status: int, payload: dict) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            try:
                body = json.loads(raw)
            except ValueError:
                body = {"raw": raw.decode(errors="replace")}
            if hook.delay:
                time.sleep(hook.delay)
            with hook.lock:
                seen = len(hook.received)
                received = Received(parts.path, query, body)
                hook.received.append(received)
            if seen < hook.fail_first:
                if hook.fail_with == "http":
                    self._answer(500, {"error": "try later"})
                else:
                    self._answer(200, {"errcode": 130101, "errmsg": "send too fast"})
                return
            if hook.secret and not dingtalk_signature_ok(
                hook.secret, query.get("timestamp", ""), query.get("sign", "")
            ):
                self._answer(200, {"errcode": 310000, "errmsg": "sign not match"})
                return
            received.query["accepted"] = "1"
            self._answer(200, {"errcode": 0, "errmsg": "ok"})

    return Handler


@pytest.fixture
def hook():
    server = ThreadingHTTPServer(("127.0.0.1", 0), None)
    state = Hook(port=server.server_address[1])
    server.RequestHandlerClass = _handler(state)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
