"""The provided app under real Gunicorn against a real MariaDB, on Python 2.7."""
import os
import subprocess
import threading
import time

from harness import Gunicorn, Relay, edit_greeting, get, wait_until

GREETING = 'Hello Devops 123, 1234!'


def test_root_answers_the_greeting(gunicorn):
    status, body = get(gunicorn.url)
    assert status == 200, body
    assert body == GREETING


def settle_connections(mariadb, baseline):
    wait_until(lambda: mariadb.connections() <= baseline, 5, what='server connections back to %d' % baseline)


def test_500_sequential_requests_succeed_without_leaking_connections(gunicorn, mariadb):
    baseline = mariadb.connections()
    answers = [get(gunicorn.url) for _ in range(500)]
    failures = [a for a in answers if a != (200, GREETING)]
    assert not failures, failures[:3]
    settle_connections(mariadb, baseline)


def test_200_concurrent_requests_succeed_without_leaking_connections(gunicorn, mariadb):
    baseline = mariadb.connections()
    answers = []
    lock = threading.Lock()

    def worker():
        for _ in range(10):
            answer = get(gunicorn.url, timeout=20)
            with lock:
                answers.append(answer)

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 200
    failures = [a for a in answers if a != (200, GREETING)]
    assert not failures, failures[:3]
    settle_connections(mariadb, baseline)


def test_database_down_gives_5xx_quickly_and_recovers_without_restart(mariadb):
    # The app reaches MariaDB through a relay that the test holds: "down" resets every connection
    # at the same address, and no port is ever closed and reused meanwhile.
    relay = Relay(mariadb.port)
    server = Gunicorn(dict(mariadb.env(), MYSQL_PORT=str(relay.port))).start()
    try:
        assert get(server.url) == (200, GREETING)
        master_pid = server.proc.pid
        relay.down()
        started = time.time()
        status, body = get(server.url, timeout=5)
        elapsed = time.time() - started
        assert status is not None and 500 <= status < 600, (status, body)
        assert elapsed < 2.0, 'a 5xx took %.2f s' % elapsed
        assert server.proc.poll() is None, 'gunicorn died with the database'
        relay.up = True
        assert wait_until(lambda: get(server.url) == (200, GREETING), 10, what='200 after the DB came back')
        assert server.proc.pid == master_pid and server.proc.poll() is None
    finally:
        server.stop()
        relay.close()


def test_missing_variable_is_one_clear_error_without_reload(mariadb):
    # Without reload (GUNICORN_RELOAD=0) a load error stops Gunicorn, as Gunicorn does; with
    # reload it is served as a 500 (test_live_reload.py).
    env = mariadb.env()
    del env['MYSQL_PORT']
    env['GUNICORN_RELOAD'] = '0'
    server = Gunicorn(env)
    # Gunicorn's own env would leak a parent's MYSQL_PORT: make sure it is really unset.
    server.env.pop('MYSQL_PORT', None)
    try:
        server.start(wait=False)
        wait_until(lambda: server.proc.poll() is not None, 20, what='gunicorn to give up')
        assert server.proc.returncode != 0
        lines = [l for l in server.output().splitlines() if 'missing environment variable' in l]
        assert lines, server.output()[-1000:]
        assert lines[-1].strip().endswith(
            'missing environment variable(s): MYSQL_PORT (set them in the Secret mysql-credentials)')
    finally:
        server.stop()


def test_non_numeric_port_is_one_clear_error(mariadb):
    env = mariadb.env()
    env['MYSQL_PORT'] = 'three-three-oh-six'
    python = os.environ.get('PYTHON27') or 'python2.7'
    app_dir = os.path.join(os.path.dirname(__file__), '..', '..', 'app')
    full_env = dict(os.environ)
    full_env.update(env)
    proc = subprocess.Popen([python, '-c', 'import application'], cwd=app_dir, env=full_env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = proc.communicate()[0].decode('utf-8')
    assert proc.returncode != 0
    assert out.strip().splitlines()[-1] == "RuntimeError: MYSQL_PORT must be a number, got 'three-three-oh-six'"


def test_code_edit_is_live_without_a_command(gunicorn):
    assert get(gunicorn.url) == (200, GREETING)
    edit_greeting(gunicorn.app_file(), 'Hello Devops 456')
    new = 'Hello Devops 456, 1234!'
    wait_until(lambda: get(gunicorn.url)[1] == new, 15, interval=0.05, what='the edited greeting to be served')
    # Once the edit is live, no worker may still serve the old code.
    seen = [get(gunicorn.url) for _ in range(100)]
    assert all(answer == (200, new) for answer in seen), [a for a in seen if a != (200, new)][:3]
    assert 'Worker reloading' in gunicorn.output()


def test_an_empty_password_is_a_password(mariadb):
    """MYSQL_PASSWORD='' is a valid setting (a user without a password), not a missing one."""
    mariadb.sql("CREATE USER IF NOT EXISTS 'nopassword'@'127.0.0.1' IDENTIFIED BY ''; "
                "GRANT ALL ON %s.* TO 'nopassword'@'127.0.0.1'; FLUSH PRIVILEGES;" % mariadb.DB)
    server = Gunicorn(dict(mariadb.env(), MYSQL_USERNAME='nopassword', MYSQL_PASSWORD=''))
    try:
        server.start()
        assert get(server.url) == (200, GREETING), server.output()[-1500:]
    finally:
        server.stop()


def scores(mariadb):
    return int(mariadb.sql('SELECT COUNT(*) FROM scores', database=mariadb.DB) or 0)


def test_the_provided_app_never_commits_its_insert(gunicorn, mariadb):
    """README, Data: MySQLdb turns autocommit off and application.py has no commit(), so each
    request's INSERT is rolled back when its connection closes (its own SELECT still sees it: the
    greeting shows 1234) and the table stays empty. The app is kept as provided."""
    # Counted before and after, never emptied: a DELETE waits on any other test's connection still
    # holding an uncommitted INSERT (InnoDB row locks; 50 s, then error 1205). A count does not.
    mariadb.sql('CREATE TABLE IF NOT EXISTS scores(score INT)', database=mariadb.DB)
    before = scores(mariadb)
    for _ in range(5):
        assert get(gunicorn.url) == (200, GREETING)
    assert scores(mariadb) == before


def test_a_commit_after_the_insert_keeps_the_rows(mariadb):
    """README, Data: the one line that makes the app keep its rows."""
    server = Gunicorn(mariadb.env())
    with open(server.app_file()) as f:
        source = f.read()
    insert = '    cur.execute("INSERT INTO scores(score) VALUES(1234)")\n'
    assert source.count(insert) == 1
    with open(server.app_file(), 'w') as f:
        f.write(source.replace(insert, insert + '    self.db.commit()\n'))
    try:
        server.start()
        mariadb.sql('CREATE TABLE IF NOT EXISTS scores(score INT)', database=mariadb.DB)
        before = scores(mariadb)
        for _ in range(3):
            assert get(server.url) == (200, GREETING)
        assert scores(mariadb) == before + 3
    finally:
        server.stop()


def test_the_caller_s_shell_does_not_change_what_a_test_runs(mariadb, monkeypatch):
    monkeypatch.setenv('GUNICORN_WORKERS', '1')
    monkeypatch.setenv('GUNICORN_CMD_ARGS', '--workers 1')
    monkeypatch.setenv('RELOAD_INTERVAL', '5')
    monkeypatch.setenv('MYSQL_PORT', '1')
    server = Gunicorn(mariadb.env()).start()
    try:
        assert get(server.url) == (200, GREETING)
        wait_until(lambda: server.output().count('Booting worker') == 2, 5, what='the default two workers')
    finally:
        server.stop()
