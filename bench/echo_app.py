"""The bare baseline for bench/fgd_load.py: a Flask-SocketIO echo room with the same namespace,
events and async mode as the FGD live room, but no accounts, database or checks.

    .venv/bin/python bench/serve.py echo --port 8100 --mode gevent   (see bench/serve.py)
"""
from __future__ import annotations

import itertools
import os
import threading

from flask import Flask
from flask_socketio import SocketIO, join_room

NS = "/fgd"
app = Flask(__name__)
socketio = SocketIO(app, async_mode=os.environ.get("SOCKETIO_ASYNC_MODE", "threading"), manage_session=False)
_seq = itertools.count(1)
_lock = threading.Lock()


@socketio.on("join", namespace=NS)
def on_join(data):
    join_room(f"fgd:{data['session_id']}")
    return {"ok": True, "last_seq": 0}


@socketio.on("send", namespace=NS)
def on_send(data):
    with _lock:
        seq = next(_seq)
    payload = {"seq": seq, "session_id": data["session_id"], "body": data["body"]}
    socketio.emit("message", payload, to=f"fgd:{data['session_id']}", namespace=NS)
    return {"ok": True, "seq": seq}
