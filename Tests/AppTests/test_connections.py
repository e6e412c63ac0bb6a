"""application.py closes its MySQL connection on every request, also when a query raises.

Under Gunicorn, CPython frees a forgotten connection when the request's frames go away, so load
tests cannot see a missing close(). Here the app runs in this process against the real MariaDB,
and the test keeps every connection object alive (as a traceback kept for a debugger or a log
does): only an explicit close() then ends the server-side connection."""
import imp
import os
import sys

import pytest

from harness import APP_DIR, wait_until

NO_SELECT = 'noselect'


@pytest.fixture
def app_with_counted_connections(mariadb, monkeypatch):
    def load(env):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(sys, 'dont_write_bytecode', True)
        module = imp.load_source('application_under_test', os.path.join(APP_DIR, 'application.py'))
        opened = []
        real_connect = module.MySQLdb.connect

        def connect(*args, **kwargs):
            connection = real_connect(*args, **kwargs)
            opened.append(connection)
            return connection
        monkeypatch.setattr(module.MySQLdb, 'connect', connect)
        return module, opened
    yield load
    sys.modules.pop('application_under_test', None)


def server_connections(mariadb, user):
    return int(mariadb.sql("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '%s'" % user))


def test_the_connection_is_closed_after_a_request(app_with_counted_connections, mariadb):
    module, opened = app_with_counted_connections(mariadb.env())
    response = module.application.test_client().get('/')
    assert response.status_code == 200
    assert len(opened) == 1 and not opened[0].open
    wait_until(lambda: server_connections(mariadb, mariadb.USER) == 0, 5, what='the server to drop the connection')


def test_the_connection_is_closed_when_a_query_raises_mid_request(app_with_counted_connections, mariadb):
    # A user that may create and insert but not select: score()'s SELECT fails on the server,
    # after the connection was opened and used.
    mariadb.sql("CREATE DATABASE IF NOT EXISTS %s; "
                "CREATE USER IF NOT EXISTS '%s'@'127.0.0.1' IDENTIFIED BY 'pw'; "
                "GRANT CREATE, INSERT ON %s.* TO '%s'@'127.0.0.1'; FLUSH PRIVILEGES;"
                % (NO_SELECT, NO_SELECT, NO_SELECT, NO_SELECT))
    env = dict(mariadb.env(), MYSQL_USERNAME=NO_SELECT, MYSQL_PASSWORD='pw', MYSQL_DB=NO_SELECT)
    module, opened = app_with_counted_connections(env)
    client = module.application.test_client()
    kept = []
    for _ in range(3):
        # The app runs in debug mode: Flask hands the exception to the server (here, to us).
        with pytest.raises(module.MySQLdb.OperationalError) as raised:
            client.get('/')
        assert 'SELECT command denied' in str(raised.value)
        kept.append(raised)  # the traceback: its frames still reference the Storage
    assert len(opened) == 3
    assert [c.open for c in opened] == [0, 0, 0], 'a connection was left open after a failed query'
    wait_until(lambda: server_connections(mariadb, NO_SELECT) == 0, 5,
               what='the server to drop the connections (it has %d)' % server_connections(mariadb, NO_SELECT))
