"""Entry point: `python app.py` serves the app with Flask-SocketIO's own server.

The async mode is explicit (`SOCKETIO_ASYNC_MODE`): `threading` (default; the embedded
one-process setup, websockets via simple-websocket) or `gevent` (production rooms of hundreds:
one greenlet per connection; see README "Running at scale" and "Performance"). gevent must patch
the standard library before anything else is imported, hence the first lines."""
import os

if os.environ.get("SOCKETIO_ASYNC_MODE") == "gevent" and __name__ == "__main__":
    from gevent import monkey

    monkey.patch_all()

from collab import create_app  # noqa: E402
from collab.extensions import socketio  # noqa: E402

app = create_app()

if __name__ == "__main__":
    socketio.run(app, host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "5000")),
                 allow_unsafe_werkzeug=True)
