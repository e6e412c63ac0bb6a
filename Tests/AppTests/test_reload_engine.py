"""The reload engine in app/gunicorn.conf.py: what counts as a change (issue 10: on filesystems
with one-second mtimes, two saves in one second have the same mtime)."""
import os
import shutil
import tempfile
import time

import pytest

from harness import APP_DIR, get, wait_until


@pytest.fixture
def conf(monkeypatch):
    """The conf file's namespace, read the way Gunicorn reads it (without preloading)."""
    monkeypatch.setenv('GUNICORN_PRELOAD', '')
    path = os.path.join(APP_DIR, 'gunicorn.conf.py')
    namespace = {'__file__': path, '__name__': '__config__'}
    exec(compile(open(path).read(), path, 'exec'), namespace)
    return namespace


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
