"""Measures save -> first response showing the change, through the real reload path, for the
gunicorn.conf.py before this change (from git) and the current one, in one run, plus the
current one with one lever undone at a time. Also prints each poller's file-system cost."""
from __future__ import print_function

import os
import random
import subprocess
import sys
import tempfile
import time

from harness import APP_DIR, ENGINE_DIR, ROOT, Gunicorn, MariaDB, edit_greeting, get

# The last commit with the old engine (per-worker poll every 0.2 s, Gunicorn's own restart).
BEFORE_COMMIT = '3787cd8'
LIVE_TIMEOUT = 5.0


def percentile(values, p):
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def before_conf():
    """The old gunicorn.conf.py, from git; None outside a git checkout."""
    try:
        text = subprocess.check_output(['git', '-C', ROOT, 'show', BEFORE_COMMIT + ':app/gunicorn.conf.py'],
                                       stderr=open(os.devnull, 'w'))
    except (OSError, subprocess.CalledProcessError):
        return None
    fd, path = tempfile.mkstemp(prefix='gunicorn-before-', suffix='.py')
    with os.fdopen(fd, 'wb') as f:
        f.write(text)
    return path


def wait_live(url, expected, saved):
    deadline = saved + LIVE_TIMEOUT
    while time.time() < deadline:
        if get(url, timeout=2)[1] == expected:
            return time.time() - saved
        time.sleep(0.002)
    return None


def run(db, label, conf, env, edits):
    server = Gunicorn(dict(db.env(), **env), conf=conf).start()
    samples, missed, stale, checked = [], 0, 0, 0
    try:
        for i in range(edits):
            # A person does not save in step with the poll interval: vary the phase.
            time.sleep(0.3 + random.random() * 0.7)
            if random.random() < 0.2:
                # Two saves in quick succession: only the second must be live, and it must be.
                edit_greeting(server.app_file(), 'Hello Devops %d' % (5000 + i))
                time.sleep(0.02 + random.random() * 0.13)
            greeting = 'Hello Devops %d' % (1000 + i)
            saved = edit_greeting(server.app_file(), greeting)
            expected = greeting + ', 1234!'
            took = wait_live(server.url, expected, saved)
            if took is None:
                missed += 1
                continue
            samples.append(took)
            # Once the change answered, no worker may answer with older code.
            until = time.time() + 0.15
            while time.time() < until:
                checked += 1
                if get(server.url, timeout=2)[1] != expected:
                    stale += 1
        return dict(label=label, samples=samples, missed=missed, stale=stale, checked=checked)
    finally:
        server.stop()


def poller_cost(conf, env, seconds=2.0):
    """File-system calls per second the conf's poller makes over app/ (each one a round trip to
    the host on a VirtualBox shared folder): its scan, run in this process with os.stat,
    os.lstat and os.listdir counted, times its rate, times the pollers (one per worker before,
    one in the master after)."""
    counts = [0]
    real = (os.stat, os.lstat, os.listdir)

    def counted(fn):
        def wrapper(*args, **kwargs):
            counts[0] += 1
            return fn(*args, **kwargs)
        return wrapper

    saved_env = dict(os.environ)
    cwd = os.getcwd()
    os.environ.update(env)
    os.environ['GUNICORN_PRELOAD'] = ''
    namespace = {'__file__': os.path.join(APP_DIR, 'gunicorn.conf.py'), '__name__': '__config__'}
    try:
        os.chdir(APP_DIR)
        if 'devenv_reload' in open(conf).read():
            # The engine as a module of its own (app/.reload-engine/devenv_reload.py).
            sys.path.append(ENGINE_DIR)
            import devenv_reload
            namespace = {'AppFolderWatcher': devenv_reload.AppFolderWatcher,
                         '_FOLDER_INTERVAL': devenv_reload.FOLDER_INTERVAL, '_INTERVAL': devenv_reload.INTERVAL}
        else:
            exec(compile(open(conf).read(), conf, 'exec'), namespace)
        if 'AppFolderWatcher' in namespace:
            watcher = namespace['AppFolderWatcher'](APP_DIR, ignore=[os.path.join(APP_DIR, 'gunicorn.conf.py')],
                                                    folder_interval=namespace['_FOLDER_INTERVAL'])
            scan, interval, pollers = watcher.scan, namespace['_INTERVAL'], 1
        else:
            poller = namespace['AppDirPoller']()
            scan, interval, pollers = poller._scan, poller._interval, int(namespace['workers'])
        os.stat, os.lstat, os.listdir = [counted(f) for f in real]
        scans = 0
        started = time.time()
        while time.time() - started < seconds:
            scan()
            scans += 1
            time.sleep(interval)
        os.stat, os.lstat, os.listdir = real
        per_scan = float(counts[0]) / scans
        return per_scan, interval, pollers, per_scan / interval * pollers
    finally:
        os.stat, os.lstat, os.listdir = real
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(saved_env)


def report(result):
    s = result['samples']
    if not s:
        return '%-34s no save went live' % result['label']
    return '%-34s median %.3f s  p95 %.3f s  max %.3f s  missed %d  stale %d/%d' % (
        result['label'], percentile(s, 0.5), percentile(s, 0.95), max(s), result['missed'],
        result['stale'], result['checked'])


def main(edits):
    current = os.path.join(APP_DIR, 'gunicorn.conf.py')
    before = before_conf()
    runs = []
    if before:
        runs.append(('before (%s)' % BEFORE_COMMIT, before, {}))
    runs += [('after', current, {}),
             ('after, settle 0.05 s', current, {'RELOAD_SETTLE': '0.05'}),
             ('after, poll every 0.2 s', current, {'RELOAD_INTERVAL': '0.2'}),
             ('after, no preload in master', current, {'GUNICORN_PRELOAD': ''})]
    db = MariaDB()
    db.start()
    db.provision()
    results = []
    try:
        for label, conf, env in runs:
            results.append(run(db, label, conf, env, edits))
    finally:
        db.destroy()
    print('edit-to-live, %d saves each (20%% of them two saves in a row), real Gunicorn, 2 workers:' % edits)
    if not before:
        print('  (before: skipped, no git history for %s)' % BEFORE_COMMIT)
    for result in results:
        print('  ' + report(result))
    print('  target (after): median <= 0.08 s, p95 <= 0.15 s, missed 0, stale 0')
    print('poller cost over app/ (stat/listdir calls; on vboxsf each is a round trip to the host):')
    for label, conf, env in runs[:2]:
        per_scan, interval, pollers, rate = poller_cost(conf, env)
        print('  %-34s %.2f calls per scan, every %.3f s, %d poller(s): %.0f calls/s' % (
            label, per_scan, interval, pollers, rate))
    if before:
        os.unlink(before)


if __name__ == '__main__':
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
