"""Entry point: `python app.py` runs the embedded one-process server (threading mode,
websockets via simple-websocket). Production runs under gunicorn: see README."""
import os

from collab import create_app
from collab.extensions import socketio

app = create_app()

if __name__ == "__main__":
    socketio.run(app, host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "5000")),
                 allow_unsafe_werkzeug=True)
