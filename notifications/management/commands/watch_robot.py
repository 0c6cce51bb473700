"""A stand-in group robot on 127.0.0.1 for trying notifications with ``make run``: it shows
each message posted to it and answers as WeCom and DingTalk do ({"errcode": 0})."""

import json
from http.server import BaseHTTPRequestHandler, HTTPServer

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Listen on 127.0.0.1:PORT as a group robot and show each message it receives."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=9000)

    def handle(self, *args: object, port: int, **options: object) -> None:
        out = self.stdout

        class Robot(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(min(int(self.headers.get("Content-Length", "0")), 1_000_000))
                try:
                    shown = json.dumps(json.loads(body), ensure_ascii=False, indent=2)
                except ValueError:
                    shown = body.decode(errors="replace")
                out.write(f"POST {self.path}\n{shown}\n")
                answer = b'{"errcode": 0, "errmsg": "ok"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        out.write(f"robot listening on http://127.0.0.1:{port}/ (Ctrl-C to stop)\n")
        server = HTTPServer(("127.0.0.1", port), Robot)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
