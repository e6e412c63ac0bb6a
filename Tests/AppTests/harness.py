"""Real processes for the app tests and benchmarks: a throwaway MariaDB and a Gunicorn serving a
copy of app/ with app/gunicorn.conf.py and devenv's reload engine. Python 2.7 (the app's version);
no mocks."""
from __future__ import print_function

import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time
import urllib2

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
APP_DIR = os.path.join(ROOT, 'app')
# devenv's reload engine: in the image it is in site-packages (app/Dockerfile); here it is put on
# PYTHONPATH, after the test packages, as site-packages comes after the app folder in the image.
ENGINE_DIR = os.path.join(APP_DIR, '.reload-engine')


def free_port():
    """A port that was free a moment ago. Another process may take it before we bind it again:
    only for servers that cannot take a socket from us, and then with a retry (MariaDB.start)."""
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def held_listener():
    """A listening socket on a kernel-chosen loopback port that we keep open, so no other test
    can take the port while ours uses it."""
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    s.listen(128)
    return s


def which(name):
    for d in os.environ.get('PATH', '').split(os.pathsep) + ['/usr/sbin', '/usr/bin', '/sbin']:
        p = os.path.join(d, name)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


def wait_until(predicate, timeout, interval=0.05, what='condition'):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError('timed out after %.1f s waiting for %s' % (timeout, what))


class MariaDB(object):
    """mariadbd on a temp datadir, loopback port and own socket; stopped by PID."""

    USER = 'app'
    PASSWORD = 'dev-only-password'
    DB = 'devenv'

    def __init__(self):
        self.server = which('mariadbd') or which('mysqld')
        self.install = which('mariadb-install-db') or which('mysql_install_db')
        self.client = which('mariadb') or which('mysql')
        if not (self.server and self.install and self.client):
            raise RuntimeError('MariaDB not found: install mariadb-server (scripts/test does)')
        self.base = tempfile.mkdtemp(prefix='devenv-mariadb-')
        os.chmod(self.base, 0o755)
        if os.geteuid() == 0:
            # As root, mariadbd runs as the mysql user: it writes its socket, pid and log here.
            import pwd
            mysql = pwd.getpwnam('mysql')
            os.chown(self.base, mysql.pw_uid, mysql.pw_gid)
        self.datadir = os.path.join(self.base, 'data')
        self.socket = os.path.join(self.base, 'mysqld.sock')
        self.pidfile = os.path.join(self.base, 'mysqld.pid')
        self.log = os.path.join(self.base, 'error.log')
        self.port = free_port()
        self.proc = None

    def _user_args(self):
        return ['--user=mysql'] if os.geteuid() == 0 else []

    def initialise(self):
        with open(os.devnull, 'w') as devnull:
            subprocess.check_call([self.install, '--no-defaults', '--datadir=' + self.datadir, '--skip-test-db',
                                   '--auth-root-authentication-method=normal'] + self._user_args(),
                                  stdout=devnull, stderr=subprocess.STDOUT)

    def start(self):
        if not os.path.isdir(self.datadir):
            self.initialise()
        # mariadbd cannot take a listening socket from us: if another process took the port
        # between free_port() and mariadbd's bind, mariadbd exits; then try another port.
        for attempt in range(5):
            self.proc = subprocess.Popen(
                [self.server, '--no-defaults', '--datadir=' + self.datadir, '--socket=' + self.socket,
                 '--pid-file=' + self.pidfile, '--port=%d' % self.port, '--bind-address=127.0.0.1',
                 '--skip-name-resolve', '--log-error=' + self.log, '--max-connections=500'] + self._user_args())
            try:
                wait_until(self.ping, 30, what='MariaDB to answer (log: %s)' % self.log)
                return
            except RuntimeError:
                if attempt == 4 or 'already in use' not in self.tail_log(lines=20):
                    raise
                self.port = free_port()

    def ping(self):
        """True once our mariadbd answers on its own unix socket (it binds TCP before that, so
        the TCP port is then ours, not another process's)."""
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError('mariadbd exited with %s: %s' % (self.proc.returncode, self.tail_log()))
        s = socket.socket(socket.AF_UNIX)
        try:
            s.settimeout(0.5)
            s.connect(self.socket)
            return True
        except socket.error:
            return False
        finally:
            s.close()

    def tail_log(self, lines=3):
        try:
            with open(self.log) as f:
                return ' | '.join(f.read().strip().splitlines()[-lines:])
        except IOError:
            return '(no log)'

    def sql(self, statement, database=None):
        args = [self.client, '--no-defaults', '--socket=' + self.socket, '-uroot', '-N', '-B', '-e', statement]
        if database:
            args.append(database)
        # The client reads MYSQL_HOST, MYSQL_TCP_PORT, MYSQL_PWD...: keep the app's settings out.
        env = dict((k, v) for k, v in os.environ.items() if not k.startswith('MYSQL'))
        return subprocess.check_output(args, env=env).decode('utf-8').strip()

    def provision(self):
        self.sql("CREATE DATABASE IF NOT EXISTS %s; "
                 "CREATE USER IF NOT EXISTS '%s'@'127.0.0.1' IDENTIFIED BY '%s'; "
                 "GRANT ALL ON %s.* TO '%s'@'127.0.0.1'; FLUSH PRIVILEGES;"
                 % (self.DB, self.USER, self.PASSWORD, self.DB, self.USER))

    def connections(self):
        """Client connections other than our own query's."""
        return int(self.sql("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '%s'" % self.USER))

    def stop(self):
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            wait_until(lambda: self.proc.poll() is not None, 30, what='mariadbd to stop')
        except AssertionError:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def destroy(self):
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def env(self):
        return {'MYSQL_USERNAME': self.USER, 'MYSQL_PASSWORD': self.PASSWORD, 'MYSQL_DB': self.DB,
                'MYSQL_HOST': '127.0.0.1', 'MYSQL_PORT': str(self.port)}


class Relay(object):
    """A TCP relay to `port` on a listening socket it holds: the app's view of a database that goes
    away and comes back at the same address, without any process releasing a port. While down,
    it resets every connection (open ones too), as a stopped server's host does."""

    def __init__(self, port):
        self.target = ('127.0.0.1', port)
        self.listener = held_listener()
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.lock = threading.Lock()
        self.open = []
        thread = threading.Thread(target=self._accept)
        thread.daemon = True
        thread.start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except socket.error:
                return
            if not self.up:
                self._reset(client)
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except socket.error:
                self._reset(client)
                continue
            with self.lock:
                self.open += [client, server]
            for a, b in ((client, server), (server, client)):
                pump = threading.Thread(target=self._pump, args=(a, b))
                pump.daemon = True
                pump.start()

    @staticmethod
    def _pump(source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except socket.error:
            pass
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except socket.error:
                pass

    @staticmethod
    def _reset(sock):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        sock.close()

    def down(self):
        self.up = False
        with self.lock:
            sockets, self.open = self.open, []
        for sock in sockets:
            try:
                self._reset(sock)
            except socket.error:
                pass

    def close(self):
        self.down()
        self.listener.close()


# Variables the app, Gunicorn (GUNICORN_CMD_ARGS too) and the engine read: never inherited.
INHERITED_SETTINGS = ('GUNICORN_', 'RELOAD_', 'MYSQL_')

LAUNCH = ("import os, sys; "
          # systemd socket activation (gunicorn 19.10 systemd.py): serve the socket we hold on fd 3.
          "os.dup2(int(os.environ.pop('DEVENV_HELD_FD')), 3); "
          "os.environ['LISTEN_FDS'] = '1'; os.environ['LISTEN_PID'] = str(os.getpid()); "
          "sys.argv[0] = 'gunicorn'; "
          "from gunicorn.app.wsgiapp import run; run()")


class Gunicorn(object):
    """Real Gunicorn with the repo's gunicorn.conf.py (or `conf`, another version of it), serving
    a private copy of app/ so tests can edit it. It serves a listening socket this object holds
    (so no other test can take the port); the conf's bind setting is not used."""

    def __init__(self, env, python=None, workers=None, conf=None, pid1=False):
        self.python = python or os.environ.get('PYTHON27') or 'python2.7'
        # As in a container: the master is PID 1 of its own PID namespace, so orphaned processes
        # are re-parented to it (unshare from util-linux; unprivileged through a user namespace).
        self.pid1 = pid1
        self.dir = tempfile.mkdtemp(prefix='devenv-app-')
        shutil.copy(os.path.join(APP_DIR, 'application.py'), os.path.join(self.dir, 'application.py'))
        shutil.copy(conf or os.path.join(APP_DIR, 'gunicorn.conf.py'), os.path.join(self.dir, 'gunicorn.conf.py'))
        self.listener = held_listener()
        self.port = self.listener.getsockname()[1]
        # The app's and Gunicorn's settings come from the test alone: a GUNICORN_WORKERS=1 or a
        # MYSQL_PORT in the caller's shell must not change what a test runs (issue 19).
        self.env = dict((k, v) for k, v in os.environ.items() if not k.startswith(INHERITED_SETTINGS))
        self.env.update(env)
        self.env['PYTHONPATH'] = os.pathsep.join(p for p in (self.env.get('PYTHONPATH'), ENGINE_DIR) if p)
        if workers is not None:
            self.env['GUNICORN_WORKERS'] = str(workers)
        self.log_path = os.path.join(self.dir, 'gunicorn.log')
        self.proc = None

    @property
    def url(self):
        return 'http://127.0.0.1:%d/' % self.port

    def start(self, wait=True):
        self.log = open(self.log_path, 'w')
        env = dict(self.env, DEVENV_HELD_FD=str(self.listener.fileno()))
        prefix = []
        if self.pid1:
            prefix = ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child']
            if os.geteuid() != 0:
                prefix[1:1] = ['--user', '--map-root-user']
        self.proc = subprocess.Popen(
            prefix + [self.python, '-c', LAUNCH, '--config', os.path.join(self.dir, 'gunicorn.conf.py'),
                      'application:application'],
            cwd=self.dir, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        if wait:
            wait_until(self.answering, 30, what='gunicorn to answer (log: %s)' % self.log_path)
        return self

    def answering(self):
        if self.proc.poll() is not None:
            raise RuntimeError('gunicorn exited with %s: %s' % (self.proc.returncode, self.output()[-800:]))
        return get(self.url, timeout=2)[0] is not None

    def master_pid(self):
        """The Gunicorn master's pid as this machine sees it (in pid1 mode, unshare's child)."""
        if not self.pid1:
            return self.proc.pid
        return wait_until(lambda: [pid for pid, _, _ in children_of(self.proc.pid)], 10,
                          what='the master under unshare')[0]

    def output(self):
        with open(self.log_path) as f:
            return f.read()

    def app_file(self):
        return os.path.join(self.dir, 'application.py')

    def stop(self):
        # Workers left behind by a master that had to be killed (one stuck in an endless loop at
        # import never notices its parent is gone): stopped too, never leaked.
        workers = children_of(self.master_pid()) if self.proc is not None and self.proc.poll() is None else []
        if self.proc is not None and self.proc.poll() is None:
            if self.pid1:  # unshare does not pass SIGTERM on: stop the master itself
                for pid, _, _ in children_of(self.proc.pid):
                    os.kill(pid, signal.SIGTERM)
            else:
                self.proc.send_signal(signal.SIGTERM)
            try:
                wait_until(lambda: self.proc.poll() is not None, 15, what='gunicorn to stop')
            except AssertionError:
                self.proc.kill()
                self.proc.wait()
        for pid, _, _ in workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if self.proc is not None:
            self.log.close()
        self.listener.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def children_of(pid):
    """[(pid, command name, state)] of the processes whose parent is `pid`, read from /proc."""
    found = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % entry) as f:
                stat = f.read()
        except (IOError, OSError):
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        fields = stat[stat.rindex(')') + 2:].split()
        if int(fields[1]) == pid:
            found.append((int(entry), stat[stat.index('(') + 1:stat.rindex(')')], fields[0]))
    return found


def get(url, timeout=5):
    """(status, body) of a GET; 5xx and connection errors are answers, not exceptions."""
    try:
        response = urllib2.urlopen(url, timeout=timeout)
        return response.getcode(), response.read().decode('utf-8')
    except urllib2.HTTPError as e:
        return e.code, e.read().decode('utf-8', 'replace')
    except (urllib2.URLError, socket.error, socket.timeout) as e:
        return None, str(e)


def edit_greeting(path, new_greeting):
    """Rewrites the greeting in application.py, as an editor's save would."""
    with open(path) as f:
        source = f.read()
    start = source.index('"Hello ')
    end = source.index(',', start)
    with open(path + '.tmp', 'w') as f:
        f.write(source[:start] + '"' + new_greeting + source[end:])
    os.rename(path + '.tmp', path)
    return time.time()
