"""devenv's reload engine (app/.reload-engine/devenv_reload.py) on its own: what counts as a change
(issue 10: on filesystems with one-second mtimes, two saves in one second have the same mtime), and
the Gunicorn it was written against."""
import fcntl
import imp
import os
import re
import shutil
import signal
import sys
import tempfile
import time

import gunicorn
import pytest
from gunicorn.arbiter import Arbiter
from gunicorn.errors import HaltServer

import devenv_reload
from harness import APP_DIR, ENGINE_DIR, ROOT, get, wait_until

ENGINE = os.path.join(ENGINE_DIR, 'devenv_reload.py')


@pytest.fixture
def conf():
    """The engine's names, as the tests before it was a module of its own read them from the conf."""
    return {'AppFolderWatcher': devenv_reload.AppFolderWatcher}


@pytest.fixture
def folder():
    path = tempfile.mkdtemp(prefix='devenv-watch-')
    yield path
    shutil.rmtree(path, ignore_errors=True)


def write(path, text, mtime=None):
    with open(path, 'w') as f:
        f.write(text)
    if mtime is not None:
        os.utime(path, (mtime, mtime))


def test_same_mtime_but_new_size_is_a_change(conf, folder):
    module = os.path.join(folder, 'application.py')
    write(module, 'GREETING = "a"\n', mtime=1700000000)
    watcher = conf['AppFolderWatcher'](folder)
    assert watcher.scan() == []
    # A second save in the same second, written in place.
    write(module, 'GREETING = "ab"\n', mtime=1700000000)
    assert watcher.scan() == [module]
    assert watcher.scan() == []


def test_same_mtime_and_size_but_new_inode_is_a_change(conf, folder):
    module = os.path.join(folder, 'application.py')
    write(module, 'GREETING = "a"\n', mtime=1700000000)
    watcher = conf['AppFolderWatcher'](folder)
    # An editor's save by rename: a new file, same length, same whole-second mtime.
    write(module + '.tmp', 'GREETING = "b"\n', mtime=1700000000)
    os.rename(module + '.tmp', module)
    assert watcher.scan() == [module]


def test_new_deleted_and_nested_modules_are_changes_and_the_conf_is_not(conf, folder):
    module = os.path.join(folder, 'application.py')
    config = os.path.join(folder, 'gunicorn.conf.py')
    write(module, 'x = 1\n')
    write(config, 'workers = 2\n')
    watcher = conf['AppFolderWatcher'](folder, ignore=[config])
    os.mkdir(os.path.join(folder, 'pkg'))
    nested = os.path.join(folder, 'pkg', 'helpers.py')
    write(nested, 'y = 2\n')
    assert watcher.scan() == [nested]
    write(nested, 'y = 3\n', mtime=time.time() + 5)
    assert watcher.scan() == [nested]
    os.remove(nested)
    assert watcher.scan() == [nested]
    write(config, 'workers = 3\n', mtime=time.time() + 5)
    write(os.path.join(folder, 'notes.txt'), 'not code\n')
    assert watcher.scan() == []


def save_at(path, greeting, mtime):
    """An editor's save by rename, the new file already carrying `mtime` when it appears."""
    with open(path) as f:
        source = f.read()
    start = source.index('"Hello ')
    write(path + '.tmp', source[:start] + '"' + greeting + source[source.index(',', start):], mtime=mtime)
    os.rename(path + '.tmp', path)


def test_a_same_second_save_goes_live(gunicorn):
    path = gunicorn.app_file()
    second = int(time.time())
    save_at(path, 'Hello Devops 456', second)
    wait_until(lambda: get(gunicorn.url)[1] == 'Hello Devops 456, 1234!', 5, what='the first save live')
    time.sleep(0.3)  # nothing else pending
    # Same length, same whole-second mtime: only the inode (rename) and ctime differ.
    save_at(path, 'Hello Devops 789', second)
    wait_until(lambda: get(gunicorn.url)[1] == 'Hello Devops 789, 1234!', 5, what='the same-second save live')


def test_a_clock_stepping_back_does_not_stop_the_folder_checks(conf, folder):
    """NTP or VirtualBox's time sync can step the VM's clock back; a new module must still be seen
    within the folder interval, not after the step's length."""
    write(os.path.join(folder, 'application.py'), 'X = 1\n')
    watcher = conf['AppFolderWatcher'](folder, folder_interval=0.5)
    watcher.folders_checked = time.time() + 3600  # as if the clock had just gone back an hour
    write(os.path.join(folder, 'helpers.py'), 'Y = 2\n')
    changed = watcher.scan()
    assert os.path.join(folder, 'helpers.py') in changed, changed


def test_the_installed_gunicorn_is_the_one_the_engine_was_written_against():
    """The engine replaces Gunicorn 19.10.0 internals (Arbiter.sleep, reap_workers, Worker.load_wsgi):
    another version must fail here, loudly, and in the image at `docker build`, not in a pod."""
    assert gunicorn.version_info == (19, 10, 0), (
        'Gunicorn %s is installed; devenv_reload was written against 19.10.0: port it, then change '
        'GUNICORN_VERSION' % gunicorn.__version__)
    assert devenv_reload.GUNICORN_VERSION == tuple(gunicorn.version_info)
    for requirements in ('app/requirements.txt', 'Tests/AppTests/requirements.txt'):
        with open(os.path.join(ROOT, requirements)) as f:
            pins = re.findall(r'^gunicorn==(\S+)$', f.read(), re.M)
        assert pins == ['19.10.0'], (requirements, pins)


def test_the_engine_refuses_another_gunicorn(monkeypatch):
    monkeypatch.setattr(gunicorn, 'version_info', (20, 0, 4))
    monkeypatch.setattr(gunicorn, '__version__', '20.0.4')
    with pytest.raises(RuntimeError) as raised:
        imp.load_source('devenv_reload_under_another_gunicorn', ENGINE)
    assert str(raised.value).startswith('devenv_reload replaces internals of Gunicorn 19.10.0, but this is '
                                        'Gunicorn 20.0.4'), raised.value


@pytest.fixture
def import_world(folder):
    """An app folder first on sys.path (as Gunicorn makes it) and a library folder after it."""
    app, library = os.path.join(folder, 'app'), os.path.join(folder, 'lib')
    os.mkdir(app)
    os.mkdir(library)
    saved_path, saved_modules = list(sys.path), dict(sys.modules)
    sys.path[:0] = [app, '']
    sys.path.append(library)
    yield app, library
    sys.path[:] = saved_path
    for name in [n for n in sys.modules if n not in saved_modules]:
        del sys.modules[name]


def test_the_preload_never_imports_from_the_app_folder(import_world, monkeypatch):
    app, library = import_world
    monkeypatch.chdir(app)  # '' on sys.path is the app folder too, as in the pod
    write(os.path.join(library, 'preload_lib.py'), 'import preload_helper\nNAME = preload_helper.NAME\n')
    write(os.path.join(library, 'preload_helper.py'), 'NAME = "library"\n')
    write(os.path.join(app, 'preload_helper.py'), 'NAME = "app"\n')
    devenv_reload.preload(['preload_lib'], app)
    assert sys.modules['preload_lib'].NAME == 'library'
    assert sys.path[:2] == [app, ''], 'the preload must put sys.path back'


def test_a_failed_preload_leaves_no_module_behind(import_world, capsys):
    app, library = import_world
    package = os.path.join(library, 'halfway_pkg')
    os.mkdir(package)
    write(os.path.join(package, '__init__.py'), 'from halfway_pkg import part_one\nimport no_such_module_xyz\n')
    write(os.path.join(package, 'part_one.py'), 'import halfway_dep\n')
    write(os.path.join(library, 'halfway_dep.py'), 'X = 1\n')
    devenv_reload.preload(['halfway_pkg'], app)
    left = [name for name in sys.modules if name.startswith(('halfway_pkg', 'halfway_dep'))]
    assert left == [], 'a failed preload left %s to every worker' % left
    assert 'not preloading halfway_pkg: ImportError: No module named no_such_module_xyz' in capsys.readouterr()[1]


class _StandInLog(object):
    def __getattr__(self, level):
        return lambda *args, **kwargs: None


class _StandInWorker(object):
    class tmp(object):
        @staticmethod
        def close():
            pass

    def __init__(self, age):
        self.age = age
        self.aborted = False


class _StandInArbiter(Arbiter):
    """Gunicorn 19.10.0's Arbiter with its real handle_chld, reap_workers and num_workers, but
    whose workers are children that exit at once, beside thousands of stand-in entries that make
    every pass over WORKERS long: the window in which SIGCHLD's handler pops from it."""

    def __init__(self, stand_ins):
        self.PIPE = os.pipe()
        for fd in self.PIPE:
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
        self.WORKERS = dict((10 ** 7 + n, _StandInWorker(n)) for n in range(stand_ins))
        self.worker_age = stand_ins
        self.reexec_pid = 0
        self.timeout = 30
        self.log = _StandInLog()
        self.cfg = type('Cfg', (object,), {'reload': True, 'reload_extra_files': [],
                                           'child_exit': staticmethod(lambda arbiter, worker: None),
                                           'nworkers_changed': staticmethod(lambda *args: None),
                                           'pre_fork': staticmethod(lambda *args: None)})()
        self._num_workers = 2
        self.deaths = 0

    def spawn_worker(self):
        self.worker_age += 1
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        self.WORKERS[pid] = _StandInWorker(self.worker_age)
        self.deaths += 1
        return pid


def test_a_worker_exiting_while_the_engine_reads_the_workers_never_crashes_the_master(folder):
    """Gunicorn's SIGCHLD handler (handle_chld -> reap_workers) pops from arbiter.WORKERS between
    any two bytecodes of the master (issue 20.3): an engine that iterates over WORKERS itself got
    'dictionary changed size during iteration', which Gunicorn's main loop turns into a halt."""
    module = os.path.join(folder, 'application.py')
    write(module, 'X = 0\n')
    live = devenv_reload.LiveReload(folder, os.path.join(folder, 'gunicorn.conf.py'))
    arbiter = _StandInArbiter(stand_ins=3000)
    previous = signal.signal(signal.SIGCHLD, arbiter.handle_chld)
    errors = []
    try:
        # A save starts a reload cycle; then workers die while the engine checks on it, as new
        # workers that crash at import do, again and again.
        write(module, 'X = 1\n', mtime=time.time() - 10)
        while live.cycle is None:
            live.next_scan = 0
            live.step(arbiter)
        for _ in range(100):
            for _ in range(4):
                arbiter.spawn_worker()
            until = time.time() + 0.01
            while time.time() < until:
                try:
                    live.step(arbiter)
                except RuntimeError as e:
                    errors.append(str(e))
    finally:
        signal.signal(signal.SIGCHLD, previous)
        arbiter.reap_workers()
    assert arbiter.deaths >= 400
    assert not errors, '%d errors in %d child deaths, the first: %s' % (len(errors), arbiter.deaths, errors[0])


def _child_exiting(status):
    pid = os.fork()
    if pid == 0:
        os._exit(status)
    wait_until(lambda: open('/proc/%d/stat' % pid).read().split(') ')[1].startswith('Z'), 5,
               what='the child to exit')
    return pid


def test_the_reaper_ignores_the_exit_status_of_a_process_that_is_no_worker():
    arbiter = _StandInArbiter(stand_ins=0)
    orphan = _child_exiting(3)
    devenv_reload.reap_workers(arbiter)  # no HaltServer
    with pytest.raises(OSError):
        os.waitpid(orphan, os.WNOHANG)  # reaped: no zombie left (ECHILD)


def test_the_reaper_still_halts_when_a_worker_fails_to_boot():
    arbiter = _StandInArbiter(stand_ins=0)
    for status, reason in ((3, 'Worker failed to boot.'), (4, 'App failed to load.')):
        worker = _child_exiting(status)
        arbiter.WORKERS[worker] = _StandInWorker(1)
        with pytest.raises(HaltServer) as halted:
            devenv_reload.reap_workers(arbiter)
        assert (halted.value.reason, halted.value.exit_status) == (reason, status)
    worker = _child_exiting(0)
    arbiter.WORKERS[worker] = _StandInWorker(2)
    devenv_reload.reap_workers(arbiter)
    assert worker not in arbiter.WORKERS


def test_a_deleted_file_is_one_change_not_two(folder):
    """The poll sees a deleted file's stat fail; the folder's relist later drops it: one change
    (issue 20.6: it was reported again by the relist, a second reload for one deletion)."""
    module = os.path.join(folder, 'application.py')
    helpers = os.path.join(folder, 'helpers.py')
    write(module, 'X = 1\n')
    write(helpers, 'Y = 2\n')
    watcher = devenv_reload.AppFolderWatcher(folder, folder_interval=3600)
    os.remove(helpers)
    assert watcher.scan() == [helpers]
    watcher.folders_checked = 0  # the folders are due now
    assert watcher.scan() == []
    assert helpers not in watcher.files
    # Deleted, then re-created before a poll saw it gone: a change as any other.
    write(helpers, 'Y = 3\n')
    watcher.folders_checked = 0
    assert watcher.scan() == [helpers]


def tree(root, paths):
    for path in paths:
        full = os.path.join(root, path)
        if not os.path.isdir(os.path.dirname(full)):
            os.makedirs(os.path.dirname(full))
        if not path.endswith('/'):
            write(full, '# %s\n' % path)


def watched(watcher, root):
    return sorted(os.path.relpath(p, root) for p in watcher.files)


def test_what_is_not_the_app_s_code_is_not_watched(folder):
    """A vendored Flask is 176 files, each a round trip to the host per poll on a VirtualBox shared
    folder (issue 20.11): installations and tool folders are not the app's code."""
    tree(folder, ['application.py', 'pkg/__init__.py', 'pkg/mod.py', 'static/',
                  'venv/pyvenv.cfg', 'venv/lib/python2.7/site-packages/flask/__init__.py', 'venv/bin/helper.py',
                  'oldenv/bin/activate', 'oldenv/lib/x.py', 'oldenv/bin/y.py',
                  'lib/Flask-1.1.4.dist-info/METADATA', 'lib/flask/__init__.py', 'lib/flask/app.py',
                  'node_modules/tool/build.py', 'site-packages/z.py', 'dist-packages/w.py',
                  '.git/hooks/hook.py', '__pycache__/cached.py', '.venv/bin/activate_this.py'])
    watcher = devenv_reload.AppFolderWatcher(folder)
    assert watched(watcher, folder) == ['application.py', 'pkg/__init__.py', 'pkg/mod.py']
    # A package of the app's own that happens to hold an egg-info (pip install -e) is the app's.
    tree(folder, ['mylib/__init__.py', 'mylib/mylib.egg-info/PKG-INFO'])
    watcher = devenv_reload.AppFolderWatcher(folder)
    assert 'mylib/__init__.py' in watched(watcher, folder)


def test_symlinks_are_followed_only_inside_the_app_folder(folder):
    app, outside = os.path.join(folder, 'app'), os.path.join(folder, 'outside')
    tree(folder, ['app/application.py', 'app/pkg/mod.py', 'outside/shared.py', 'outside/more/deep.py'])
    os.symlink(outside, os.path.join(app, 'vendor'))
    os.symlink(os.path.join(outside, 'shared.py'), os.path.join(app, 'shared.py'))
    os.symlink(app, os.path.join(app, 'loop'))
    os.symlink(os.path.join(app, 'pkg'), os.path.join(app, 'alias'))
    os.symlink(os.path.join(app, 'pkg', 'mod.py'), os.path.join(app, 'mod_link.py'))
    watcher = devenv_reload.AppFolderWatcher(app)
    assert watched(watcher, app) == ['application.py', 'mod_link.py', 'pkg/mod.py']
    # Changing the file behind a symlink inside the app folder is a change.
    write(os.path.join(app, 'pkg', 'mod.py'), 'changed = True\n', mtime=time.time() + 5)
    assert sorted(watcher.scan()) == [os.path.join(app, 'mod_link.py'), os.path.join(app, 'pkg', 'mod.py')]


def test_the_watcher_keeps_within_its_stat_budget_on_a_big_tree(folder):
    """200 files polled every 25 ms: at most budget * interval stat calls a scan; a file changed
    recently is looked at every scan, any other within files / budget seconds."""
    paths = ['pkg%02d/mod%02d.py' % (d, f) for d in range(20) for f in range(10)]
    tree(folder, paths)
    for n, path in enumerate(paths):
        stamp = 1700000000 + n
        os.utime(os.path.join(folder, path), (stamp, stamp))
    watcher = devenv_reload.AppFolderWatcher(folder, folder_interval=3600, interval=0.025, budget=1000, hot=8)
    assert len(watcher.files) == 200 and watcher.per_scan == 25
    # At first the hot files are the most recently modified ones.
    assert sorted(os.path.relpath(p, folder) for p in watcher.hot) == sorted(paths[-8:])
    watcher.calls = 0
    for _ in range(40):
        assert watcher.scan() == []
    assert watcher.calls == 40 * 25
    # A save to a cold file is noticed within a round of the cold ones (192 files, 17 a scan).
    cold = os.path.join(folder, paths[0])
    write(cold, 'changed = 1\n', mtime=1800000000)
    scans = 1
    while cold not in watcher.scan():
        scans += 1
        assert scans <= 12, 'a cold file was not looked at within a round'
    # Now it is hot: its next save is noticed by the next scan.
    write(cold, 'changed = 2\n', mtime=1800000001)
    assert watcher.scan() == [cold]


# ---- the master's side, on its own: settle, hand-off, a change before it, failures -----------------

class _Workers(_StandInArbiter):
    """Gunicorn's Arbiter with real worker processes that wait until signalled, and the engine's
    reaper (as install() sets it); kill_worker's signals are kept for the test to read."""

    reap_workers = staticmethod(lambda self: devenv_reload.reap_workers(self))

    def __init__(self):
        _StandInArbiter.__init__(self, stand_ins=0)
        self.sent = []

    def spawn_worker(self):
        self.worker_age += 1
        pid = os.fork()
        if pid == 0:
            while True:
                time.sleep(1)
        self.WORKERS[pid] = _StandInWorker(self.worker_age)
        return pid

    def kill_worker(self, pid, sig):
        self.sent.append((pid, sig))
        os.kill(pid, sig)

    def reap(self):
        devenv_reload.reap_workers(self)


@pytest.fixture
def master(folder, monkeypatch):
    """An engine over `folder` and an arbiter whose SIGCHLD runs Gunicorn's handle_chld."""
    write(os.path.join(folder, 'application.py'), 'X = 0\n', mtime=time.time() - 60)
    live = devenv_reload.LiveReload(folder, os.path.join(folder, 'gunicorn.conf.py'))
    monkeypatch.setattr(devenv_reload, '_live', live)
    arbiter = _Workers()
    arbiter.reap_workers = lambda: devenv_reload.reap_workers(arbiter)
    previous = signal.signal(signal.SIGCHLD, arbiter.handle_chld)
    live.manage(arbiter)  # Gunicorn's first manage_workers: the serving workers
    for pid in list(arbiter.WORKERS):
        report(live, pid, 'loaded')
    step(live, arbiter)
    yield live, arbiter
    signal.signal(signal.SIGCHLD, previous)
    for pid in list(arbiter.WORKERS):
        os.kill(pid, signal.SIGKILL)
    for pid in list(arbiter.WORKERS):
        os.waitpid(pid, 0)


def report(live, pid, status):
    os.write(live.ready_w, b'%d %s\n' % (pid, status))


def step(live, arbiter, changed_ago=None):
    """One turn of the engine, with a scan; changed_ago: pretend the last change was that long ago."""
    if changed_ago is not None:
        live.last_change = time.time() - changed_ago
    live.next_scan = 0
    live.step(arbiter)


def save_module(live, n):
    write(os.path.join(live.watcher.root, 'application.py'), 'X = %d\n' % n, mtime=time.time() - 60 + n)


def test_new_workers_take_over_once_all_reported_and_the_code_settled(master):
    live, arbiter = master
    old = set(arbiter.WORKERS)
    assert len(old) == 2 and live.cycle is None
    save_module(live, 1)
    step(live, arbiter)
    new = sorted(set(arbiter.WORKERS) - old)
    assert len(new) == 2 and live.cycle is not None and live.cycle.old == old
    report(live, new[0], 'loaded')
    step(live, arbiter, changed_ago=1)
    assert live.cycle is not None, 'handed off before every new worker reported'
    report(live, new[1], 'loaded')
    step(live, arbiter, changed_ago=0)  # just changed: not settled
    assert live.cycle is not None, 'handed off before the code settled'
    go = live.cycle.go_w
    step(live, arbiter, changed_ago=devenv_reload.SETTLE)
    assert live.cycle is None
    assert sorted(arbiter.sent) == sorted((pid, signal.SIGTERM) for pid in old)
    with pytest.raises(OSError):
        os.fstat(go)  # closed: the new workers' go
    wait_until(lambda: not old & set(arbiter.WORKERS), 5, what='the old workers to be reaped')
    live.manage(arbiter)
    assert sorted(arbiter.WORKERS) == new, 'after the hand-off the new workers serve, no others'


def test_a_generation_that_failed_to_import_waits_longer(master):
    live, arbiter = master
    old = set(arbiter.WORKERS)
    save_module(live, 1)
    step(live, arbiter)
    for pid in set(arbiter.WORKERS) - old:
        report(live, pid, 'failed')
    step(live, arbiter, changed_ago=devenv_reload.FAILED_SETTLE - 0.01)
    assert live.cycle is not None, 'a failed import was put in front before FAILED_SETTLE'
    step(live, arbiter, changed_ago=devenv_reload.FAILED_SETTLE)
    assert live.cycle is None


def test_a_change_before_the_hand_off_replaces_the_new_workers(master):
    live, arbiter = master
    old = set(arbiter.WORKERS)
    save_module(live, 1)
    step(live, arbiter)
    first = set(arbiter.WORKERS) - old
    for pid in first:
        report(live, pid, 'loaded')
    save_module(live, 2)
    step(live, arbiter)
    second = set(arbiter.WORKERS) - old - first
    assert len(second) == 2 and live.cycle.old == old
    wait_until(lambda: not first & set(arbiter.WORKERS), 5, what='the first new workers to be killed')
    assert not [pid for pid, _ in arbiter.sent if pid in old], 'the old workers were touched'
    for pid in second:
        report(live, pid, 'loaded')
    step(live, arbiter, changed_ago=1)
    assert live.cycle is None and live.retiring == old


@pytest.mark.parametrize('status, aborted, stack, expected', [
    (signal.SIGSEGV, False, None, 'the worker importing it was killed by SIGSEGV (a crash, in C code)'),
    (signal.SIGKILL, False, None, 'the worker importing it was killed by SIGKILL (the kernel\'s OOM killer sends it '
                                  'when the container reaches its memory limit)'),
    (1 << 8, False, None, 'the worker importing it exited with status 1 (os._exit or exit in C code)'),
    (1 << 8, True, '  File "application.py", line 3, in <module>\n    while True:',
     'it was still importing after the worker timeout (30 s); it was here:\n  File "application.py", line 3, '
     'in <module>\n    while True:'),
])
def test_the_page_says_why_the_worker_died(status, aborted, stack, expected):
    worker = _StandInWorker(1)
    worker.aborted = aborted
    assert devenv_reload._why_it_died(status, worker, 30, stack) == expected
