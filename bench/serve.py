"""Serve the real app (`app`) or the bare echo room (`echo`) for bench/fgd_load.py, both the same
way: one process, Flask-SocketIO's own server for the chosen async mode.

    .venv/bin/python bench/serve.py echo --port 8100 --mode gevent
    DATABASE_URL=sqlite:///$PWD/instance/bench.db .venv/bin/python bench/serve.py app --port 8200 --mode gevent

`--mode threading` is the default deployment (one OS thread per websocket, simple-websocket);
`--mode gevent` runs every connection in a greenlet (gevent's WSGI server, simple-websocket,
the standard library monkey-patched before anything else is imported).
"""
from __future__ import annotations

import argparse
import os
import signal
import sys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("which", choices=["app", "echo"])
    parser.add_argument("--port", type=int, default=8200)
    parser.add_argument("--mode", choices=["threading", "gevent"], default="gevent")
    args = parser.parse_args()
    if args.mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
    os.environ["SOCKETIO_ASYNC_MODE"] = args.mode
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if args.which == "app":
        from app import app
        from collab.extensions import socketio
    else:
        from bench.echo_app import app, socketio
    print(f"{args.which}: {socketio.server.async_mode} on 127.0.0.1:{args.port}", flush=True)
    started = os.times()

    def report_cpu(*_):  # bench/fgd_compare.sh stops the server with SIGTERM and keeps this line
        t = os.times()
        used = t.user + t.system - started.user - started.system
        print(f"server_cpu_s={used:.1f} (serving only, start-up excluded)", flush=True)
        os._exit(0)

    signal.signal(signal.SIGTERM, report_cpu)
    socketio.run(app, host="127.0.0.1", port=args.port, log_output=False, allow_unsafe_werkzeug=True)


if __name__ == "__main__":
    main()
