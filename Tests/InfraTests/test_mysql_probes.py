"""The MySQL probes' exact shell commands (from the rendered manifests), run against a real MariaDB
on loopback: readiness means "the app's user can log in to the app's database"; `mysqladmin ping`
(liveness) answers 0 even when the login is refused. MariaDB's clients stand in for MySQL 5.7's
(same options, same MYSQL_PWD / MYSQL_TCP_PORT environment)."""
import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

from conftest import find

USER, PASSWORD, DATABASE = "app", "app-password", "devenv"
ROOT_PASSWORD = "root-password"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture(scope="module")
def mariadb():
    # The server lives in /usr/sbin, which a normal user's PATH lacks.
    path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/bin", "/sbin"])
    which = lambda name: shutil.which(name, path=path)  # noqa: E731
    server, install = which("mariadbd") or which("mysqld"), which("mariadb-install-db")
    client = which("mariadb") or which("mysql")
    if not (server and install and client and which("mysqladmin")):
        pytest.fail("MariaDB server and clients are not installed (scripts/test installs mariadb-server)")
    base = tempfile.mkdtemp(prefix="devenv-probes-")
    os.chmod(base, 0o755)
    user = []
    if os.geteuid() == 0:
        import pwd
        mysql = pwd.getpwnam("mysql")
        os.chown(base, mysql.pw_uid, mysql.pw_gid)
        user = ["--user=mysql"]
    datadir, sock, port = os.path.join(base, "data"), os.path.join(base, "sock"), free_port()
    subprocess.run([install, "--no-defaults", "--datadir=" + datadir, "--skip-test-db",
                    "--auth-root-authentication-method=normal"] + user, check=True, capture_output=True)
    proc = subprocess.Popen([server, "--no-defaults", "--datadir=" + datadir, "--socket=" + sock,
                             "--pid-file=" + os.path.join(base, "pid"), "--port=%d" % port,
                             "--bind-address=127.0.0.1", "--skip-name-resolve",
                             "--log-error=" + os.path.join(base, "err")] + user)
    try:
        deadline = time.time() + 30
        while subprocess.run([client, "--no-defaults", "-uroot", "--socket=" + sock, "-e", "SELECT 1"],
                             capture_output=True).returncode != 0:
            assert proc.poll() is None and time.time() < deadline, "mariadbd did not start"
            time.sleep(0.1)
        # What the mysql:5.7 entrypoint sets up on first start (root@'%' and the app's user).
        setup = ("CREATE USER 'root'@'%%' IDENTIFIED BY '%s'; GRANT ALL ON *.* TO 'root'@'%%';"
                 "CREATE DATABASE %s; CREATE USER '%s'@'%%' IDENTIFIED BY '%s'; GRANT ALL ON %s.* TO '%s'@'%%';"
                 % (ROOT_PASSWORD, DATABASE, USER, PASSWORD, DATABASE, USER))
        subprocess.run([client, "--no-defaults", "-uroot", "--socket=" + sock, "-e", setup], check=True)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(base, ignore_errors=True)


def probe(rendered, name):
    c = find(rendered, "StatefulSet", "mysql")["spec"]["template"]["spec"]["containers"][0]
    return c[name]["exec"]["command"]


def run(command, port, **env):
    full = {"PATH": os.environ["PATH"], "HOME": tempfile.gettempdir(), "MYSQL_TCP_PORT": str(port),
            "MYSQL_USER": USER, "MYSQL_PASSWORD": PASSWORD, "MYSQL_DATABASE": DATABASE,
            "MYSQL_ROOT_PASSWORD": ROOT_PASSWORD}
    full.update(env)
    return subprocess.run(command, env=full, capture_output=True, text=True, timeout=30).returncode


def test_readiness_passes_when_the_app_can_log_in(rendered, mariadb):
    assert run(probe(rendered, "readinessProbe"), mariadb) == 0


@pytest.mark.parametrize("env", [
    {"MYSQL_PASSWORD": "edited-after-setup"},  # the Secret changed after the first setup
    {"MYSQL_DATABASE": "never_created"},        # the first setup was interrupted
    {"MYSQL_USER": "never_created"},
])
def test_readiness_fails_when_the_app_cannot(rendered, mariadb, env):
    assert run(probe(rendered, "readinessProbe"), mariadb, **env) != 0


def test_liveness_ping_cannot_tell_a_refused_login(rendered, mariadb):
    assert run(probe(rendered, "livenessProbe"), mariadb) == 0
    # mysqladmin ping exits 0 on "Access denied": fine for "is the server alive", useless for ready.
    assert run(probe(rendered, "livenessProbe"), mariadb, MYSQL_ROOT_PASSWORD="wrong") == 0
    assert run(probe(rendered, "livenessProbe"), free_port()) != 0  # no server: not alive
