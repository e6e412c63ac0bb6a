"""The app under real Gunicorn with the app container's filesystem: read-only everywhere Python looks
for a temp dir and at the app folder (readOnlyRootFilesystem, and the read-only code mount), writable
only where a test gives it a fresh tmpfs, as a volume mount would. In a private mount namespace, so
root here (it must be root to mount); the host's folders are untouched.

The infra suite's policy test (test_workload_rules.py) holds the manifests to the rule these prove:
Gunicorn cannot boot a worker without a writable temp dir, and needs nothing else writable."""
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

from harness import Gunicorn, get, wait_until

# Python 2.7's tempfile._candidate_tempdir_list on POSIX, before the working directory.
PYTHON_TEMP_DIRS = ['/tmp', '/var/tmp', '/usr/tmp']
# Writable in a pod whatever its root filesystem (the container runtime's own tmpfs).
RUNTIME_WRITABLE = ['/dev/shm']

WRAPPER = '''#!/bin/sh
# Runs Python with "$@" in a private mount namespace: each folder of $DEVENV_READ_ONLY and the
# working directory read-only, each of $DEVENV_WRITABLE a fresh writable tmpfs, no temp dir from
# the environment.
exec unshare --mount --propagation private -- /bin/sh -c '
set -e
for d in $DEVENV_READ_ONLY; do
  if [ -d "$d" ]; then mount -t tmpfs -o ro,size=64k tmpfs "$d"; fi
done
for d in $DEVENV_WRITABLE; do mount -t tmpfs -o size=16m,mode=1777 tmpfs "$d"; done
mount --bind "$PWD" "$PWD"
mount -o remount,bind,ro "$PWD"
unset TMPDIR TEMP TMP DEVENV_READ_ONLY DEVENV_WRITABLE
exec "$@"' sh %(python)s "$@"
'''


@pytest.fixture
def scratch():
    """A folder outside every folder the wrapper covers (the app copy must stay visible)."""
    if os.geteuid() != 0:
        pytest.skip('mounting in a private mount namespace needs root')
    base = tempfile.mkdtemp(prefix='devenv-ro-', dir='/run' if os.path.isdir('/run') else '/var/lib')
    yield base
    shutil.rmtree(base, ignore_errors=True)


def read_only_gunicorn(scratch, env, read_only, writable):
    """A harness Gunicorn whose interpreter runs in the read-only namespace (the wrapper execs the
    real one, so the process the harness holds is the Gunicorn master)."""
    wrapper = os.path.join(scratch, 'python')
    real = os.environ.get('PYTHON27') or sys.executable
    with open(wrapper, 'w') as f:
        f.write(WRAPPER % {'python': real})
    os.chmod(wrapper, 0o755)
    saved = tempfile.tempdir
    tempfile.tempdir = scratch  # Gunicorn() makes its app copy, the working directory, here
    try:
        server = Gunicorn(dict(env, DEVENV_READ_ONLY=' '.join(read_only), DEVENV_WRITABLE=' '.join(writable)),
                          python=wrapper, workers=1)
    finally:
        tempfile.tempdir = saved
    server.env['PYTHONPATH'] = visible_path(server.env['PYTHONPATH'], read_only + writable, scratch)
    return server


def visible_path(pythonpath, covered, scratch):
    """PYTHONPATH with each entry that a covering tmpfs would hide (a checkout or its .tools under
    /tmp, as in a fresh clone there) replaced by a copy in the scratch folder, which stays visible."""
    entries = []
    for index, entry in enumerate(pythonpath.split(os.pathsep)):
        full = os.path.abspath(entry) if entry else entry
        if full and any(full == d or full.startswith(d.rstrip('/') + '/') for d in covered):
            copy = os.path.join(scratch, 'path%d' % index)
            shutil.copytree(full, copy, symlinks=True)
            full = copy
        entries.append(full)
    return os.pathsep.join(entries)


def test_no_writable_temp_dir_means_no_worker_ever_boots(scratch):
    """Gunicorn 19.10's master creates each worker's heartbeat file before it forks it
    (workers/workertmp.py, tempfile.mkstemp in worker_tmp_dir or the default temp dir): with
    nothing writable it exits at once ("No usable temporary directory", or "Read-only file
    system" for a worker_tmp_dir such as /dev/shm)."""
    settings = {'MYSQL_HOST': '127.0.0.1', 'MYSQL_PORT': '1', 'MYSQL_USERNAME': 'u', 'MYSQL_PASSWORD': 'p',
                'MYSQL_DB': 'd'}
    server = read_only_gunicorn(scratch, settings, read_only=PYTHON_TEMP_DIRS + RUNTIME_WRITABLE, writable=[])
    try:
        server.start(wait=False)
        wait_until(lambda: server.proc.poll() is not None, 30, what='the Gunicorn master to exit')
        output = server.output()
        assert server.proc.returncode != 0, output[-800:]
        assert 'No usable temporary directory' in output or 'Read-only file system' in output, output[-800:]
        assert 'Booting worker' not in output, output[-800:]
    finally:
        server.stop()


def test_a_writable_tmp_is_all_the_app_needs(scratch, mariadb):
    """With only /tmp writable (the app container's emptyDir) and /dev/shm (the runtime's), the real
    config and app serve the greeting: live reload, the preload and the workers write nothing
    anywhere else."""
    server = read_only_gunicorn(scratch, mariadb.env(), read_only=PYTHON_TEMP_DIRS, writable=['/tmp'])
    try:
        server.start()
        status, body = get(server.url)
        assert (status, body) == (200, 'Hello Devops 123, 1234!'), server.output()[-1500:]
        assert 'Booting worker' in server.output()
    finally:
        server.stop()


def test_python_looks_for_a_temp_dir_where_the_policy_test_assumes(scratch):
    """The infra policy test (PYTHON_TEMP_DIRS there) requires a writable mount on one of these."""
    python = os.environ.get('PYTHON27') or sys.executable
    out = subprocess.check_output([python, '-S', '-c', 'import tempfile; print(tempfile._candidate_tempdir_list())'],
                                  cwd=scratch, env={'PATH': '/usr/bin:/bin'})
    assert out.decode('utf-8').strip() == repr(PYTHON_TEMP_DIRS + [scratch])
