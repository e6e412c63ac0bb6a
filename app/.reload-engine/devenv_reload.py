# -*- coding: utf-8 -*-
"""devenv's reload engine: live code for the app under Gunicorn 19.10.0 (Python 2.7).

app/gunicorn.conf.py calls install() and names the hooks below; app/Dockerfile installs this file
into the image's site-packages, outside /app, so the code mount over /app neither hides nor
replaces it, and no module of the app can stand in for it.

Live code, as the dev environment wants it (off with GUNICORN_RELOAD=0):
- The master, not each worker, polls the app folder (AppFolderWatcher: a few stat calls per
  RELOAD_INTERVAL, at most STAT_BUDGET a second on a big tree, nothing that is not the app's code).
- On a save it forks a generation of workers beside the serving ones. They import the app (from
  source only: SourceImporter), report loaded or failed, and wait for the master's go. The master
  gives it once all of them reported and a poll has seen no change for SETTLE (FAILED_SETTLE when
  the import failed), retires the old workers, and the new ones accept once those are gone. A
  change before that replaces the generation. So a request never waits for a booting worker,
  never meets old code after new code answered, and never sees a change half written.
- Flask and MySQLdb are imported once, in the master, with the app folder off sys.path: a new
  worker forks with them loaded and only imports the app's own modules.
- A save that fails to import (anything raised) does not stop anything: the workers answer 500
  with the traceback as text until the next save fixes it. A worker that dies while importing (a
  crash, os._exit, the OOM killer, Gunicorn's worker timeout) is replaced by workers that answer
  500 naming the cause (and, after a timeout, where the import was).
In every mode: the master, PID 1 in the container, reaps orphans without taking their exit status
for a worker's (reap_workers), and every worker answers HEALTH_PATH itself (the probes).

It replaces Gunicorn internals (Arbiter.sleep, manage_workers, reap_workers, Worker.load_wsgi,
Logger.access, the "poll" reloader) and so refuses any Gunicorn but GUNICORN_VERSION.
Sources: gunicorn 19.10.0 arbiter.py (sleep, manage_workers, spawn_worker, murder_workers,
reap_workers: exit codes 3/4 halt the master), workers/base.py (init_process, load_wsgi,
handle_abort), workers/workertmp.py, glogging.py, reloader.py, util.py.
"""
import base64
import errno
import os
import select
import signal
import sys
import time
import traceback

import gunicorn
from gunicorn import reloader as _reloader
from gunicorn import util as _util
from gunicorn.arbiter import Arbiter as _Arbiter
from gunicorn.errors import HaltServer
from gunicorn.glogging import Logger as _Logger
from gunicorn.workers import base as _workers_base

GUNICORN_VERSION = (19, 10, 0)
if tuple(gunicorn.version_info) != GUNICORN_VERSION:
    raise RuntimeError("devenv_reload replaces internals of Gunicorn %s, but this is Gunicorn %s: pin "
                       "gunicorn==%s in app/requirements.txt or port devenv_reload to it"
                       % (".".join(map(str, GUNICORN_VERSION)), gunicorn.__version__,
                          ".".join(map(str, GUNICORN_VERSION))))

INTERVAL = float(os.getenv("RELOAD_INTERVAL", "0.025"))
# Folders (new or removed modules) are looked at less often than the files themselves.
FOLDER_INTERVAL = 0.5
# MySQLdb imports its connection module on the first connect, Flask jinja2.ext on the first app.
PRELOAD = [m.strip() for m in os.getenv("GUNICORN_PRELOAD", "flask,jinja2.ext,MySQLdb,MySQLdb.connections").split(",")
           if m.strip()]
# The probes' path (manifests/base/app.yaml): every worker answers it itself, see _with_health.
HEALTH_PATH = "/_devenv/health"
# A worker waits at most this long for the workers it replaces to exit (one busy in a long
# request finishes it, but accepts nothing new once told to stop).
HANDOFF_CAP = 1.0
# New workers take over only once a scan has seen no change for SETTLE seconds (at least one
# clean poll after the change), so a change written in steps (several files, a checkout) goes
# live whole; FAILED_SETTLE when the new code fails to import, so a module truncated and written
# again a moment later never shows its half-written state as a 500. The settle overlaps the new
# workers' import, which takes about as long.
SETTLE = float(os.getenv("RELOAD_SETTLE") or INTERVAL)
FAILED_SETTLE = 0.3


def signature(path):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime, st.st_ctime, st.st_size, st.st_ino, st.st_mode & 0o170000)


def _signature_of(st):
    return (st.st_mtime, st.st_ctime, st.st_size, st.st_ino, st.st_mode & 0o170000)


_FILE, _FOLDER = 0o100000, 0o040000
_MISSING = object()
# Folders that hold no code of the app's own, never watched: on a VirtualBox shared folder every
# stat is a round trip to the host, and a vendored Flask alone is 176 files.
SKIP_FOLDERS = frozenset(["__pycache__", "node_modules", "site-packages", "dist-packages"])
# At most this many stat calls a second for the files (a 200-file tree polled every 25 ms would
# take 8,000): the HOT_FILES most recently changed ones every poll, the others in turn.
STAT_BUDGET = 1000
HOT_FILES = 8


def _not_app_code(folder, names):
    """Whether a folder below the app folder is an installation rather than the app's code: a
    virtualenv, or a `pip install --target` folder (packages' .dist-info without an __init__.py)."""
    if "pyvenv.cfg" in names:  # venv, virtualenv >= 20
        return True
    if "bin" in names and "lib" in names and os.path.isfile(os.path.join(folder, "bin", "activate")):
        return True  # older virtualenv
    return "__init__.py" not in names and any(n.endswith((".dist-info", ".egg-info")) for n in names)


class AppFolderWatcher(object):
    """Notices saves under the app folder with as few file-system calls as possible: on a
    VirtualBox shared folder each stat is a round trip to the host.

    A scan stats the known .py files, and every folder_interval seconds each folder; only a folder
    whose own stat changed is listed again (a new or removed module). A file counts as changed
    when its mtime, ctime, size or inode differs: on filesystems with one-second mtimes, two saves
    in one second differ in size or inode (an editor's save-by-rename makes a new inode) even when
    the mtime is the same.

    Limits: dot-folders, SKIP_FOLDERS, virtualenvs and pip --target folders are not the app's
    code and are not watched; a symlink is followed only when it leads to a place inside the app
    folder not already watched. With a budget (stat calls a second), a scan stats at most
    budget * interval files: the `hot` most recently changed every scan, the others in turn, so a
    save to a file not touched for a while is noticed within (files / budget) seconds, then it is
    hot."""

    def __init__(self, root, ignore=(), folder_interval=0.0, interval=0.025, budget=None, hot=HOT_FILES):
        self.root = root
        self.real_root = os.path.realpath(root)
        self.ignore = set(ignore)
        self.folder_interval = folder_interval
        self.per_scan = max(hot + 1, int(budget * interval)) if budget else None
        self.hot_size = hot
        self.folders_checked = time.time()
        self.calls = 0  # stat/lstat/listdir calls made, for the benchmark's cost figure
        self.files = {}  # path -> signature; None once a poll saw the file gone
        self.dirs = {}  # watched folder -> signature
        self.real_dirs = {}  # watched folder -> its real path
        self.skipped = set()  # folders seen and left alone
        self.extra = {}
        self.hot = []  # most recently changed first
        self.cold = []
        self.cursor = 0
        self._list(root)
        self._sort()

    def _stat(self, path):
        self.calls += 1
        return signature(path)

    def _inside(self, real):
        return real == self.real_root or real.startswith(self.real_root.rstrip(os.sep) + os.sep)

    def _entry(self, path):
        """(signature, is a symlink) of a folder entry, following a symlink only into the app
        folder (signature None otherwise)."""
        self.calls += 1
        try:
            st = os.lstat(path)
        except OSError:
            return None, False
        if st.st_mode & 0o170000 == 0o120000:
            if not self._inside(os.path.realpath(path)):
                return None, True
            return self._stat(path), True
        return _signature_of(st), False

    def _listdir(self, folder):
        self.calls += 1
        try:
            return os.listdir(folder)
        except OSError:
            return []

    def _list(self, folder, names=None, links=None):
        """(Re)lists one folder: its stat, its .py files, its subfolders. Returns the files it
        found new (or back) and those gone that no poll had seen gone. Symlinked subfolders come
        last, after every real folder below this one: the real name wins over a second one."""
        top = links is None
        links = [] if top else links
        added, removed = [], []
        self.dirs[folder] = self._stat(folder)
        self.real_dirs[folder] = os.path.realpath(folder)
        if names is None:
            names = self._listdir(folder)
        prefix = folder.rstrip(os.sep) + os.sep
        present = set()
        for name in names:
            if name.startswith("."):
                continue
            path = prefix + name
            if name.endswith(".py"):
                if path in self.ignore:
                    continue
                known = self.files.get(path, _MISSING)
                if known is not _MISSING and known is not None:
                    present.add(path)  # the polls look after it
                    continue
                sig = self._entry(path)[0]
                if sig is not None and sig[4] == _FILE:
                    present.add(path)
                    self.files[path] = sig
                    added.append(path)
            elif "." not in name and name not in SKIP_FOLDERS:
                if path in self.dirs or path in self.skipped:
                    present.add(path)
                    continue
                sig, link = self._entry(path)
                if sig is None or sig[4] != _FOLDER:
                    continue
                present.add(path)
                if link:
                    links.append(path)
                    continue
                self._list_folder(path, added, removed, links)
        for path in [p for p in self.files if os.path.dirname(p) == folder and p not in present]:
            if self.files.pop(path) is not None:
                removed.append(path)
        for path in [d for d in self.dirs if os.path.dirname(d) == folder and d != folder and d not in present]:
            removed.extend(self._forget(path))
        for path in [d for d in self.skipped if os.path.dirname(d) == folder and d not in present]:
            self.skipped.discard(path)
        while top and links:
            self._list_folder(links.pop(0), added, removed, links)
        return added, removed

    def _list_folder(self, path, added, removed, links):
        inner = self._listdir(path)
        if os.path.realpath(path) in self.real_dirs.values() or _not_app_code(path, inner):
            self.skipped.add(path)  # a loop, a second name for a watched folder, or no code
            return
        more, gone = self._list(path, inner, links)
        added.extend(more)
        removed.extend(gone)

    def _forget(self, folder):
        prefix = folder + os.sep
        for d in [d for d in self.dirs if d == folder or d.startswith(prefix)]:
            del self.dirs[d]
            self.real_dirs.pop(d, None)
        for d in [d for d in self.skipped if d.startswith(prefix)]:
            self.skipped.discard(d)
        gone = []
        for f in [f for f in self.files if f.startswith(prefix)]:
            if self.files.pop(f) is not None:
                gone.append(f)
        return gone

    def _sort(self):
        """Hot: the files changed most recently (at first, by mtime); cold: the rest."""
        hot = [p for p in self.hot if p in self.files]
        if len(hot) < self.hot_size:
            recent = sorted((p for p in self.files if p not in hot and self.files[p] is not None),
                            key=lambda p: self.files[p][0], reverse=True)
            hot += recent[:self.hot_size - len(hot)]
        self.hot = hot[:self.hot_size]
        hot_set = set(self.hot)
        self.cold = sorted(p for p in self.files if p not in hot_set)

    def _heat(self, path):
        if path not in self.files:
            return
        if path in self.hot:
            self.hot.remove(path)
        elif path in self.cold:
            self.cold.remove(path)
        self.hot.insert(0, path)
        while len(self.hot) > self.hot_size:
            self.cold.append(self.hot.pop())

    def _due(self):
        """The files this scan stats: all of them, or within the budget the hot ones and the next
        cold ones in turn."""
        if self.per_scan is None or len(self.files) <= self.per_scan:
            return list(self.files)
        due = [p for p in self.hot if p in self.files]
        count = min(self.per_scan - len(due), len(self.cold))
        if count > 0:
            start = self.cursor % len(self.cold)
            due += (self.cold[start:] + self.cold[:start])[:count]
            self.cursor = start + count
        return due

    def add_extra_file(self, path):
        if path not in self.extra and path not in self.files:
            self.extra[path] = self._stat(path)

    def scan(self, folders=False):
        """The paths that changed (saved, created or deleted) since the last scan. The folders
        are looked at every folder_interval seconds, or now with folders=True."""
        changed = []
        now = time.time()
        if self.folders_checked > now:  # the clock stepped back (NTP, VirtualBox time sync)
            self.folders_checked = now - self.folder_interval
        if folders or now - self.folders_checked >= self.folder_interval:
            self.folders_checked = now
            relisted = False
            for folder, sig in list(self.dirs.items()):
                if folder in self.dirs and self._stat(folder) != sig:
                    # New files, and removed ones the polls had not yet seen gone: a deletion
                    # they reported (its signature is None) must not start a second reload.
                    added, removed = self._list(folder)
                    changed.extend(sorted(added) + sorted(removed))
                    relisted = True
            if relisted:
                self._sort()
        for path in self._due():
            sig = self._stat(path)
            if sig != self.files[path]:
                self.files[path] = sig
                if path not in changed:
                    changed.append(path)
        for path, sig in list(self.extra.items()):
            now = self._stat(path)
            if now != sig:
                self.extra[path] = now
                if path not in changed:
                    changed.append(path)
        for path in changed:
            self._heat(path)
        return changed


class _Generation(object):
    """The workers forked for one state of the code, before they serve."""

    def __init__(self, number, old, base, now):
        self.number = number
        self.old = frozenset(old)  # the serving workers they replace
        self.base = base
        self.started = now
        # The master closes its end at the hand-off: the workers' signal to go.
        self.go_r, self.go_w = _pipe()
        self.crash = None  # why a worker of it died while importing: the others answer that


class LiveReload(object):
    """The master's side (see the top): watch; on a change fork a generation of workers beside
    the serving ones; hand off once all of them reported and the code has settled; drop them and
    start again when the code changes before that."""

    def __init__(self, root, config_file):
        self.watcher = AppFolderWatcher(root, ignore=[config_file], folder_interval=FOLDER_INTERVAL,
                                        interval=INTERVAL, budget=STAT_BUDGET)
        self.ready_r, self.ready_w = _pipe()
        for fd in (self.ready_r, self.ready_w):
            _util.set_non_blocking(fd)
        self.buffer = b""
        self.reports = {}  # worker pid -> "loaded" or "failed", as the worker reported
        self.stacks = {}  # worker pid -> where its import was when the worker timeout stopped it
        self.exits = []  # (pid, worker, status) from the reaper, for step()
        self.cycle = None  # the generation under way
        # Workers the master killed (SIGKILL): of a generation dropped before its hand-off, or to
        # answer a crash instead. The reaper takes them out (a signal handler: set.discard only).
        self.discarded = set()
        self.killed = set()
        self.lingering = []  # go pipes' write ends of dropped generations, closed once they are gone
        self.retiring = set()
        self.retiring_since = 0.0
        self.pending = None
        self.last_change = 0.0
        self.last_scan = 0.0
        self.next_scan = 0.0
        self.generation = 0
        self.reported = -1
        self.page = None  # what the serving workers answer when their import crashed
        self.extra_added = False

    # -- what the workers say ------------------------------------------------------------------

    def drain(self):
        """Reads the workers' reports: "PID loaded", "PID failed", "PID stack BASE64"."""
        while True:
            try:
                chunk = os.read(self.ready_r, 65536)
            except OSError:
                break
            if not chunk:
                break
            self.buffer += chunk
        lines = self.buffer.split(b"\n")
        self.buffer = lines.pop()
        for line in lines:
            parts = line.split(b" ", 2)
            if len(parts) < 2 or not parts[0].isdigit():
                continue
            pid = int(parts[0])
            if parts[1] == b"stack" and len(parts) == 3:
                self.stacks[pid] = base64.b64decode(parts[2]).decode("utf-8", "replace")
            elif parts[1] in (b"loaded", b"failed"):
                self.reports[pid] = parts[1].decode("ascii")

    def worker_exited(self, pid, worker, status):
        """Called by the reaper, in SIGCHLD's handler between any two bytecodes of the master:
        records the exit for step() and touches nothing the main loop iterates."""
        if pid in self.discarded:
            self.discarded.discard(pid)
            self.killed.discard(pid)
            return
        self.exits.append((pid, worker, status))

    def handle_exit(self, arbiter, pid, worker, status):
        report = self.reports.pop(pid, None)
        stack = self.stacks.pop(pid, None)
        if pid in self.killed:
            self.killed.discard(pid)
            return
        if report is not None or getattr(worker, "devenv_page", None) is not None:
            return  # it had loaded (or answered a crash): Gunicorn's usual replacement
        reason = _why_it_died(status, worker, arbiter.timeout, stack)
        arbiter.log.error("The app could not be loaded: %s", reason)
        cycle = self.cycle
        if cycle is not None and pid not in cycle.old:
            # The first reason, or a better one: of two workers that timed out, the one killed
            # (SIGKILL) before it could say where it was may be reaped first.
            if cycle.crash is None or (stack and "it was here" not in cycle.crash):
                cycle.crash = reason
        else:  # a serving worker that never loaded: at start-up, or a replacement
            self.page = reason

    # -- the master's loop ---------------------------------------------------------------------

    def step(self, arbiter):
        now = time.time()
        if not self.extra_added:
            for path in arbiter.cfg.reload_extra_files or ():
                self.watcher.add_extra_file(os.path.abspath(path))
            self.extra_added = True
        exits, self.exits = self.exits, []
        self.drain()  # after taking the exits: a worker's report, written before it exited, is in
        for exit in exits:
            self.handle_exit(arbiter, *exit)
        if self.next_scan - now > INTERVAL:  # the clock stepped back: scan now, not X seconds later
            self.next_scan = now
        if now >= self.next_scan:
            self.next_scan = now + INTERVAL
            # During a reload the folders too are looked at on every scan: the next step of a
            # change written in steps may be a new module.
            changed = self.watcher.scan(folders=self.cycle is not None)
            self.last_scan = now
            if changed:
                self.last_change = now
                # The scan that ends the settle comes when it is over, not on the next tick.
                self.next_scan = min(self.next_scan, now + SETTLE)
                if self.cycle is not None:
                    self.restart(arbiter, changed[0], now)
                elif self.pending is None:
                    self.pending = changed[0]
        self.retiring = set(pid for pid in self.retiring if pid in arbiter.WORKERS)
        if self.cycle is not None:
            self.check_cycle(arbiter, now)
        elif self.pending is not None:
            if not self.retiring or now - self.retiring_since > HANDOFF_CAP:
                self.start_cycle(arbiter, self.pending, now)
                self.pending = None
        if self.lingering and not self.discarded:
            for fd in self.lingering:
                _close(fd)
            self.lingering = []

    def start_cycle(self, arbiter, path, now, old=None):
        arbiter.log.info("Worker reloading: %s modified", path)
        if old is None:
            old = [pid for pid in list(arbiter.WORKERS)
                   if pid not in self.discarded and pid not in self.killed and pid not in self.retiring]
        self.generation += 1
        self.cycle = _Generation(self.generation, old, arbiter.num_workers, now)
        self.manage(arbiter)  # forks them now, not after the main loop's next turn

    def restart(self, arbiter, path, now):
        """The code changed again before the hand-off: the new workers may have imported some of
        it; they never accepted a request. Kill them, fork others."""
        cycle = self.cycle
        for pid in list(arbiter.WORKERS):
            if pid not in cycle.old and pid not in self.discarded:
                self.discarded.add(pid)
                _kill(pid, signal.SIGKILL)
        self.lingering.append(cycle.go_w)  # open until they are gone: EOF would be their go
        _close(cycle.go_r)
        self.cycle = None
        self.start_cycle(arbiter, path, now, old=cycle.old)

    def check_cycle(self, arbiter, now):
        cycle = self.cycle
        # A copy: Gunicorn's SIGCHLD handler (handle_chld -> reap_workers) pops from WORKERS
        # between any two bytecodes of the master, and a size change mid-iteration would raise
        # RuntimeError into its main loop, which halts. dict(dict) copies in C, between none.
        workers = dict(arbiter.WORKERS)
        new = [pid for pid in workers
               if pid not in cycle.old and pid not in self.discarded and pid not in self.killed]
        if cycle.crash is not None:
            # One of them died importing: the others answer the crash too, not a working app
            # (nor an older reason for it).
            page = _page(cycle.crash)
            loaded = [pid for pid in new if getattr(workers[pid], "devenv_page", None) != page]
            for pid in loaded:
                self.killed.add(pid)
                _kill(pid, signal.SIGKILL)
            if loaded:
                return
        if len(new) < cycle.base or any(pid not in self.reports for pid in new):
            return
        failed = cycle.crash is not None or any(self.reports[pid] != "loaded" for pid in new)
        # (1 ms of slack: the scans are INTERVAL apart by a float sum that may fall a hair short.)
        if self.last_scan - self.last_change < (FAILED_SETTLE if failed else SETTLE) - 0.001:
            return
        self.hand_off(arbiter, cycle, new, now)

    def hand_off(self, arbiter, cycle, new, now):
        _close(cycle.go_w)  # the new workers go
        _close(cycle.go_r)
        self.page = cycle.crash
        self.cycle = None
        old = sorted(pid for pid in cycle.old if pid in arbiter.WORKERS)
        arbiter.log.info("New workers ready: %s serve, %s retire", _pids(new), _pids(old))
        self.retiring.update(old)
        self.retiring_since = now
        for pid in old:
            arbiter.kill_worker(pid, signal.SIGTERM)  # graceful: a request under way is finished

    def manage(self, arbiter):
        """Gunicorn's manage_workers in reload mode: keeps arbiter.num_workers (the configured
        count; TTIN/TTOU change it) serving, or, during a cycle, that many new workers, replacing
        any that died. The old and retiring ones are not replaced; what the master killed is not
        counted."""
        workers = sorted(arbiter.WORKERS.items(), key=lambda item: item[1].age)  # items(): a copy
        alive = [pid for pid, _ in workers if pid not in self.discarded and pid not in self.killed]
        cycle = self.cycle
        if cycle is not None:
            mine = [pid for pid in alive if pid not in cycle.old]
            wanted = cycle.base
        else:
            mine = [pid for pid in alive if pid not in self.retiring]
            wanted = arbiter.num_workers
        for _ in range(wanted - len(mine)):
            arbiter.spawn_worker()
        for pid in mine[:max(0, len(mine) - wanted)]:  # TTOU: the oldest go
            arbiter.kill_worker(pid, signal.SIGTERM)


def _pids(pids):
    return ", ".join(str(pid) for pid in pids) or "none"


def _pipe():
    fds = os.pipe()
    for fd in fds:
        _util.close_on_exec(fd)
    return fds


def _close(fd):
    try:
        os.close(fd)
    except OSError:
        pass


def _kill(pid, sig):
    try:
        os.kill(pid, sig)
    except OSError:
        pass


_SIGNAL_NAMES = dict((getattr(signal, name), name) for name in dir(signal)
                     if name.startswith("SIG") and not name.startswith("SIG_") and isinstance(getattr(signal, name), int))


def _why_it_died(status, worker, timeout, stack):
    if getattr(worker, "aborted", False):  # Gunicorn's WORKER TIMEOUT: SIGABRT, then SIGKILL
        why = "it was still importing after the worker timeout (%d s)" % timeout
    elif os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        why = "the worker importing it was killed by %s" % _SIGNAL_NAMES.get(number, "signal %d" % number)
        if number == signal.SIGKILL:
            why += " (the kernel's OOM killer sends it when the container reaches its memory limit)"
        elif number == signal.SIGSEGV:
            why += " (a crash, in C code)"
    else:
        why = "the worker importing it exited with status %d (os._exit or exit in C code)" % os.WEXITSTATUS(status)
    if stack:
        why += "; it was here:\n" + stack
    return why


# One engine per master: a HUP re-reads the config file (which calls install() again) but this
# module, and so the state below, stays.
_live = None
_installed = False
_app_dir = None


def _arbiter_sleep(self):
    """Gunicorn's Arbiter.sleep (select on its signal pipe, at most 1 s) that also polls the app
    folder and listens for workers reporting. It returns to the main loop (which then checks on
    and maintains the workers) on a signal (SIGCHLD too) or after 1 s, as Gunicorn's does; a
    reload forks and retires its workers itself."""
    live = _live
    if not self.cfg.reload or live is None:
        return _original_sleep(self)
    deadline = time.time() + 1.0
    while True:
        signalled = False
        try:
            # Never more than Gunicorn's own 1 s, whatever the clock did (a step back would
            # otherwise stop reloads and worker timeouts for as long as the step).
            wait = min(1.0, max(0.0, min(deadline, live.next_scan) - time.time()))
            readable = select.select([self.PIPE[0], live.ready_r], [], [], wait)[0]
            if self.PIPE[0] in readable:
                signalled = True
                while os.read(self.PIPE[0], 1):
                    pass
        except (select.error, OSError) as e:
            number = getattr(e, "errno", None) or e.args[0]
            if number not in (errno.EAGAIN, errno.EINTR):  # as in Arbiter.sleep
                raise
        except KeyboardInterrupt:
            sys.exit()
        try:
            live.step(self)
        except Exception:
            # Whatever goes wrong in the engine must not reach Gunicorn's main loop, which halts
            # on an unhandled exception: log it, keep serving; the next step tries again.
            self.log.exception("devenv_reload: error in the reload engine (the app keeps running)")
        now = time.time()
        # Not after every poll, also not during a reload: the main loop's murder_workers, which
        # sends SIGKILL to a worker it sent SIGABRT on its previous turn, would give a worker
        # that timed out 25 ms instead of Gunicorn's second to say where it was.
        if signalled or now >= deadline or deadline - now > 1.0:  # (a step back of the clock)
            return


_original_sleep = _Arbiter.sleep
_original_manage_workers = _Arbiter.manage_workers


def _manage_workers(self):
    live = _live
    if not self.cfg.reload or live is None:
        return _original_manage_workers(self)
    live.manage(self)


def pre_fork(server, worker):
    """Runs in the master before each fork: what the new worker is to do."""
    live = _live
    if not server.cfg.reload or live is None:
        return
    cycle = live.cycle
    worker.devenv_go = cycle.go_r if cycle is not None else None
    # The master's ends the worker must not keep open (an open go_w copy would hold its siblings).
    worker.devenv_close = [live.ready_r] + live.lingering + ([cycle.go_w] if cycle is not None else [])
    worker.devenv_wait_for = tuple(cycle.old) if cycle is not None else ()
    worker.devenv_baseline = dict(live.watcher.files)
    worker.devenv_page = _page(cycle.crash if cycle is not None else live.page)
    worker.devenv_report = live.reported != live.generation
    live.reported = live.generation


def _page(reason):
    if reason is None:
        return None
    return ("The app could not be loaded: %s\n\nEvery request answers this 500 until a save loads; "
            "the log has the details.\n" % reason)


def post_fork(server, worker):
    """Runs in each new worker before it imports the app: its modules come from source only."""
    if not server.cfg.reload or _live is None:
        return
    for fd in getattr(worker, "devenv_close", ()):
        _close(fd)
    if _app_dir is not None:
        _import_from_source(_app_dir)


def post_worker_init(worker):
    """Runs in a worker once the app is loaded (or failed to): tell the master, wait for its go,
    then start accepting only when the workers this one replaces have exited."""
    live = _live
    if not worker.cfg.reload or live is None:
        return
    try:
        status = b"failed" if getattr(worker, "devenv_failed", False) else b"loaded"
        try:
            os.write(live.ready_w, b"%d %s\n" % (os.getpid(), status))
        except OSError:  # the master is gone or not reading: nothing to coordinate with
            pass
        go = getattr(worker, "devenv_go", None)
        if go is not None:
            _wait_for_go(worker, go)
            if worker.alive:
                _log_failure(worker)
        if not worker.alive:
            return
        waiting = list(getattr(worker, "devenv_wait_for", ()))
        deadline = time.time() + HANDOFF_CAP
        while waiting and time.time() < deadline:
            time.sleep(0.002)
            waiting = [pid for pid in waiting if _exists(pid)]
        # Files saved after the master's last look (e.g. while this worker imported them): this
        # worker may run newer code than its siblings. The master will see the save and replace
        # every worker; until then this one accepts nothing (requests wait, none gets mixed code).
        baseline = getattr(worker, "devenv_baseline", {})
        if any(signature(path) != sig for path, sig in baseline.items()):
            deadline = time.time() + 5.0
            while worker.alive and time.time() < deadline:
                worker.notify()
                time.sleep(0.005)
    except Exception:  # an exception here would exit the worker with 3, which halts the master
        worker.log.exception("devenv_reload: error while handing off to this worker")


def _wait_for_go(worker, fd):
    """Blocks until the master closes its end of the generation's pipe (EOF), this worker is told
    to stop, or the master is gone."""
    while worker.alive:
        worker.notify()  # Gunicorn's worker timeout counts from the last notify
        try:
            if select.select([fd], [], [], 1.0)[0] and not os.read(fd, 1):
                break
        except (select.error, OSError) as e:
            if (getattr(e, "errno", None) or e.args[0]) not in (errno.EINTR, errno.EAGAIN):
                raise
        if os.getppid() != worker.ppid:
            break
    _close(fd)


def worker_abort(worker):
    """Runs in a worker on SIGABRT, Gunicorn's worker timeout. If the app was still importing,
    logs where, and tells the master, whose page then shows it."""
    live = _live
    if not worker.cfg.reload or live is None or worker.booted:
        return
    try:
        frames = traceback.extract_stack(sys._getframe(1).f_back)  # what the signal interrupted
        root = os.path.realpath(_app_dir or os.curdir)
        mine = [i for i, frame in enumerate(frames)
                if os.path.isfile(frame[0]) and os.path.realpath(frame[0]).startswith(root + os.sep)]
        text = "".join(traceback.format_list(frames[mine[0]:] if mine else frames[-5:])).rstrip()
        worker.log.error("The app was still importing after the worker timeout (%s s); it was here:\n%s",
                         worker.cfg.timeout, text)
        os.write(live.ready_w, b"%d stack %s\n" % (os.getpid(), base64.b64encode(text[-2500:].encode("utf-8"))))
    except Exception:
        worker.log.exception("devenv_reload: could not tell where the import was")


def worker_exit(server, worker):
    """Runs in a worker that stopped serving: leave without Python's interpreter teardown (tens
    of ms with Flask loaded), which new workers would otherwise wait for before accepting."""
    if server.cfg.reload and worker.pid == os.getpid() and worker.booted and not worker.alive:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(0)


def reap_workers(self):
    """Gunicorn 19.10.0's Arbiter.reap_workers, which SIGCHLD runs, with the pid checked first.
    Gunicorn reads the exit status (3: a worker failed to boot, 4: the app failed to load, both
    halt the master) before it checks that the pid is one of its workers. In the pod the master
    is PID 1 and also reaps orphans, say a view's background job: one that exits 3 or 4 halted the
    master, the container exited and the pod went to CrashLoopBackOff. Here a pid that is not a
    worker is reaped and nothing else; a worker's exit status means what it meant before, but
    with live code only for a worker that imports nothing of the app (see below)."""
    try:
        while True:
            wpid, status = os.waitpid(-1, os.WNOHANG)
            if not wpid:
                break
            if self.reexec_pid == wpid:
                self.reexec_pid = 0
                continue
            worker = self.WORKERS.pop(wpid, None)
            if worker is None:
                continue  # an orphan re-parented to PID 1, or a worker already forgotten
            live = _live is not None and self.cfg.reload
            if live:
                _live.worker_exited(wpid, worker, status)
            exitcode = status >> 8
            # With live code, 3 and 4 are the app's doing (an import or a view calling os._exit(3)
            # or sys.exit(4)): the engine answers it with the crash page like any other exit.
            # Only a worker forked to show that page imports nothing of the app: if it fails to
            # boot, the engine itself is broken, and Gunicorn's halt stands.
            if live and getattr(worker, "devenv_page", None) is None:
                exitcode = None
            if exitcode == self.WORKER_BOOT_ERROR:
                raise HaltServer("Worker failed to boot.", self.WORKER_BOOT_ERROR)
            if exitcode == self.APP_LOAD_ERROR:
                raise HaltServer("App failed to load.", self.APP_LOAD_ERROR)
            worker.tmp.close()
            self.cfg.child_exit(self, worker)
    except OSError as e:
        if e.errno != errno.ECHILD:
            raise


def _exists(pid):
    """Whether a process is still running: an exited one the master has not reaped yet (a
    zombie) accepts nothing either, so it counts as gone without waiting for the reap."""
    try:
        os.kill(pid, 0)
    except OSError as e:
        return e.errno != errno.ESRCH
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rpartition(")")[2].split()[0] != "Z"
    except (IOError, OSError, IndexError):
        return True  # no /proc: as before, gone once reaped


def _load_wsgi(self):
    """Gunicorn's Worker.load_wsgi, with HEALTH_PATH answered in every mode, and forgiving
    everything the import raises in reload mode, not only a SyntaxError: the worker answers 500
    with the traceback instead of exiting with code 3 or 4, which would halt the master (and
    crash-loop the pod)."""
    _load_app(self)
    self.wsgi = _with_health(self.wsgi, not getattr(self, "devenv_failed", False))


def _with_health(app, loaded):
    """The probes' path, answered by the worker itself: 200 once this worker can answer HTTP,
    whether the app loaded or not (a bad save stays in the Service, showing its 500), without
    the app (no request to MySQL) and without an access log line."""
    body = (b"ok: this worker answers; the app is loaded\n" if loaded else
            b"ok: this worker answers; the app failed to load, other paths answer 500 with why\n")

    def health(environ, start_response):
        if environ.get("PATH_INFO") == HEALTH_PATH:
            start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
            return [body]
        return app(environ, start_response)
    return health


def _access(self, resp, req, environ, request_time):
    if environ.get("PATH_INFO") == HEALTH_PATH:
        return  # the kubelet asks every 2 s: not a line in the log each time
    return _original_access(self, resp, req, environ, request_time)


_original_access = _Logger.access


def _load_app(self):
    page = getattr(self, "devenv_page", None)
    if page is not None and self.cfg.reload:  # forked to answer a crash: imports nothing
        self.devenv_failed = True
        self.wsgi = _util.make_fail_app(page)
        return
    try:
        self.wsgi = self.app.wsgi()
    except SystemExit:
        # A signal's sys.exit (handle_quit and handle_abort clear alive first) must still stop
        # the worker; the app's own sys.exit() at import is a failure like any other.
        if not self.cfg.reload or not self.alive:
            raise
        self.wsgi = _failed_app(self, traceback.format_exc())
    except:  # noqa: E722 -- everything: Python 2 also raises old-style class instances, no Exception
        if not self.cfg.reload:
            raise
        if not self.alive:
            # Told to stop (SIGTERM only clears alive) while the import failed: leave quietly;
            # Gunicorn would exit with 3 for an exception, which halts the master.
            sys.exit(0)
        self.wsgi = _failed_app(self, traceback.format_exc())


def _failed_app(worker, text):
    worker.devenv_failed = text
    if getattr(worker, "devenv_go", None) is None:  # serving at once (at start-up): say it now
        _log_failure(worker)
    return _util.make_fail_app(text)


def _log_failure(worker):
    # All workers of one save fail alike: one of them logs it, once it answers (post_worker_init
    # calls this after the master's go; a generation dropped before that never answered).
    text = getattr(worker, "devenv_failed", None)
    if isinstance(text, str) and getattr(worker, "devenv_report", True):
        worker.log.error("The app failed to load; it answers 500 with this traceback until a save "
                         "fixes it:\n%s", text.rstrip())


class _MasterPolls(object):
    """The workers' reload engine: nothing to do, the master polls for all of them."""

    def __init__(self, extra_files=None, callback=None, **_):
        pass

    def add_extra_file(self, filename):
        pass

    def start(self):
        pass


class SourceImporter(object):
    """A sys.path hook for the folders in the app folder: their modules are compiled from the .py
    source on every import, never read from bytecode. Python 2 imports x.pyc whenever its
    recorded source mtime (whole seconds) equals x.py's, and PYTHONDONTWRITEBYTECODE only stops
    writing: a .pyc made by a `python` run on the host was imported instead of a same-second edit,
    and a deleted module still imported from its orphan .pyc. Here a .pyc is never a module;
    packages and C extensions are found as Python 2 finds them (package, extension, source)."""

    root = None  # the app folder's real path, set in each worker

    def __init__(self, path):
        real = os.path.realpath(path or os.curdir)
        root = SourceImporter.root
        if root is None or not (real == root or real.startswith(root.rstrip(os.sep) + os.sep)):
            raise ImportError("not in the app folder")
        self.path = path

    def find_module(self, fullname, path=None):
        import imp
        base = os.path.join(self.path, fullname.rpartition(".")[2])
        init = os.path.join(base, "__init__.py")
        if os.path.isfile(init):
            return _SourceLoader(init, True)
        for suffix, _, kind in imp.get_suffixes():
            if kind == imp.C_EXTENSION and os.path.isfile(base + suffix):
                return _ExtensionLoader(base + suffix)
        if os.path.isfile(base + ".py"):
            return _SourceLoader(base + ".py", False)
        return None  # on to the next sys.path entry, as Python's own search does


class _SourceLoader(object):
    def __init__(self, filename, package):
        self.filename = filename
        self.package = package

    def load_module(self, fullname):
        import imp
        code = compile(self.get_source(fullname), self.filename, "exec", 0, True)
        module = sys.modules.get(fullname)
        new = module is None
        if new:
            module = sys.modules[fullname] = imp.new_module(fullname)
        module.__file__ = self.filename
        module.__loader__ = self
        if self.package:
            module.__path__ = [os.path.dirname(self.filename)]
            module.__package__ = fullname
        elif "." in fullname:
            module.__package__ = fullname.rpartition(".")[0]
        try:
            exec(code, module.__dict__)
        except:  # noqa: E722 -- as Python's import: a module that failed is not left behind
            if new:
                sys.modules.pop(fullname, None)
            raise
        return sys.modules[fullname]

    def get_source(self, fullname):
        with open(self.filename, "rU") as f:
            return f.read()

    def get_filename(self, fullname):
        return self.filename

    def is_package(self, fullname):
        return self.package

    def get_data(self, path):
        with open(path, "rb") as f:
            return f.read()


class _ExtensionLoader(object):
    def __init__(self, filename):
        self.filename = filename

    def load_module(self, fullname):
        import imp
        return imp.load_dynamic(fullname, self.filename)


def _import_from_source(app_dir):
    SourceImporter.root = os.path.realpath(app_dir)
    if SourceImporter not in sys.path_hooks:
        sys.path_hooks.insert(0, SourceImporter)
    sys.path_importer_cache.clear()  # entries looked up before the hook was there
    pkg_resources = sys.modules.get("pkg_resources")
    if pkg_resources is not None:  # resources of the app's packages are files on disk
        pkg_resources.register_loader_type(_SourceLoader, pkg_resources.DefaultProvider)


def preload(names, app_dir):
    """Imports the heavy libraries in the master, never a module from the app folder. Gunicorn has
    made the app folder sys.path[0] (and '' is the working directory, the app folder too): both
    are off sys.path meanwhile, or an app/uuid.py would stand in for the uuid Flask imports. An
    attempt that fails takes back every module it added, so no worker inherits a half-imported
    package (Python 2 leaves the submodules that did import in sys.modules)."""
    import imp
    app_real = os.path.realpath(app_dir)
    saved = list(sys.path)
    sys.path[:] = [p for p in saved if os.path.realpath(p or os.curdir) != app_real]
    try:
        for name in names:
            try:
                imp.find_module(name.split(".")[0], [app_dir])
                continue  # the app's own module: each worker imports it fresh
            except ImportError:
                pass
            before = set(sys.modules)
            try:
                __import__(name)
            except KeyboardInterrupt:
                raise
            except:  # noqa: E722 -- everything; the worker's own import shows it with a traceback
                kind, value = sys.exc_info()[:2]
                for added in [m for m in sys.modules if m not in before]:
                    del sys.modules[added]
                sys.stderr.write("devenv_reload: not preloading %s: %s\n"
                                 % (name, traceback.format_exception_only(kind, value)[-1].strip()))
    finally:
        sys.path[:] = saved


def install(reload, app_dir, config_file):
    """Called by the config file each time Gunicorn reads it: patches Gunicorn (once) and, in
    reload mode, starts the engine (once per master) after preloading the libraries."""
    global _live, _installed, _app_dir
    _app_dir = app_dir
    if not _installed:
        _Arbiter.reap_workers = reap_workers  # in every mode: the master is PID 1 either way
        _Arbiter.sleep = _arbiter_sleep
        _Arbiter.manage_workers = _manage_workers
        _workers_base.Worker.load_wsgi = _load_wsgi  # in every mode: the health path
        _Logger.access = _access
        _reloader.reloader_engines["poll"] = _MasterPolls
        _installed = True
    # Python 2 trusts a .pyc whose recorded source mtime (whole seconds) matches: two saves in
    # one second would import stale bytecode. Workers inherit this; the image sets
    # PYTHONDONTWRITEBYTECODE.
    sys.dont_write_bytecode = True
    if reload and _live is None:
        preload(PRELOAD, app_dir)
        _live = LiveReload(app_dir, config_file)
