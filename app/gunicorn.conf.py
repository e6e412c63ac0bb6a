# Gunicorn 19.10 settings for the dev environment (read with `gunicorn --config gunicorn.conf.py`).
# Live code (README "Edit and reload") is devenv's reload engine, the module devenv_reload
# (app/.reload-engine/devenv_reload.py, installed into the image's site-packages by app/Dockerfile).
# GUNICORN_RELOAD=0 turns it off.
import os
import sys

bind = os.getenv("GUNICORN_BIND", "0.0.0.0:3000")
workers = int(os.getenv("GUNICORN_WORKERS", "2"))
worker_class = "sync"
timeout = int(os.getenv("GUNICORN_TIMEOUT", "30"))
# Requests under way when the pod stops get this long; with the preStop pause (5 s) it stays below
# terminationGracePeriodSeconds (30 s, manifests/base/app.yaml).
graceful_timeout = 20

# sendfile() on vboxsf serves stale or truncated files.
sendfile = False

# Access log to stdout, errors to stderr: `kubectl logs` and devtui show both.
accesslog = "-"
errorlog = "-"
loglevel = os.getenv("GUNICORN_LOGLEVEL", "info")

reload = os.getenv("GUNICORN_RELOAD", "1") == "1"
# VirtualBox shared folders deliver no inotify events: poll (the engine's master does it).
reload_engine = "poll"

# Gunicorn has made the app folder sys.path[0] by now: import the engine without it, so no module
# of the app (a uuid.py, a devenv_reload.py) stands in for the engine or for what it imports.
_app_dir = os.path.dirname(os.path.abspath(__file__))
_saved_path = list(sys.path)
sys.path[:] = [p for p in _saved_path if os.path.realpath(p or os.curdir) != os.path.realpath(_app_dir)]
import devenv_reload  # noqa: E402 (a failed import stops Gunicorn: nothing to restore then)
sys.path[:] = _saved_path

devenv_reload.install(reload, _app_dir, os.path.abspath(__file__))
pre_fork = devenv_reload.pre_fork
post_fork = devenv_reload.post_fork
post_worker_init = devenv_reload.post_worker_init
worker_abort = devenv_reload.worker_abort
worker_exit = devenv_reload.worker_exit
