# Gunicorn 19.10 settings for the dev environment (read with `gunicorn --config gunicorn.conf.py`).
import os
import threading
import time

from gunicorn import reloader as _reloader

bind = os.getenv("GUNICORN_BIND", "0.0.0.0:3000")
workers = int(os.getenv("GUNICORN_WORKERS", "2"))
worker_class = "sync"
timeout = int(os.getenv("GUNICORN_TIMEOUT", "30"))

# sendfile() on vboxsf serves stale or truncated files.
sendfile = False

# Access log to stdout, errors to stderr: `kubectl logs` and devtui show both.
accesslog = "-"
errorlog = "-"
loglevel = os.getenv("GUNICORN_LOGLEVEL", "info")


class AppDirPoller(threading.Thread):
    """Gunicorn's "poll" reload engine, made fit for editing code over a VirtualBox shared folder.

    Gunicorn's own poller (1) stats every module in sys.modules once a second and (2) takes its
    baseline only after the app is imported, so a save made while a worker boots (for instance a
    second save right after a reload) is never noticed. This one takes its baseline of the app
    folder's .py files when the worker starts, before the app is imported, and polls just those
    (plus reload_extra_files) every RELOAD_INTERVAL seconds: a few stat calls, cheap even on vboxsf.
    """

    def __init__(self, extra_files=None, interval=None, callback=None):
        super(AppDirPoller, self).__init__()
        self.daemon = True
        self._root = os.getcwd()
        self._interval = interval or float(os.getenv("RELOAD_INTERVAL", "0.2"))
        self._callback = callback
        self._extra = set(extra_files or ())
        self._lock = threading.Lock()
        self._mtimes = self._scan()

    def add_extra_file(self, filename):
        with self._lock:
            self._extra.add(filename)

    def _scan(self):
        found = {}
        with self._lock:
            names = set(self._extra)
        for folder, dirs, files in os.walk(self._root):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
            names.update(os.path.join(folder, f) for f in files if f.endswith(".py") and not f.startswith("."))
        for name in names:
            try:
                found[name] = os.stat(name).st_mtime
            except OSError:
                continue
        return found

    def run(self):
        while True:
            time.sleep(self._interval)
            current = self._scan()
            changed = [name for name, mtime in current.items() if self._mtimes.get(name) != mtime]
            changed += [name for name in self._mtimes if name not in current]
            self._mtimes = current
            if changed and self._callback:
                self._callback(sorted(changed)[0])


# Live code: restart workers when a source file changes. VirtualBox shared folders deliver no
# inotify events, so the engine polls (see AppDirPoller for why it replaces Gunicorn's poller).
_reloader.reloader_engines["poll"] = AppDirPoller
reload = os.getenv("GUNICORN_RELOAD", "1") == "1"
reload_engine = "poll"
