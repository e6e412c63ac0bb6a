import sys

import pytest

from harness import ENGINE_DIR, Gunicorn, MariaDB

# The reload engine's unit tests import it here, as the image's python2 finds it in site-packages.
if ENGINE_DIR not in sys.path:
    sys.path.append(ENGINE_DIR)


@pytest.fixture(scope='session')
def mariadb():
    db = MariaDB()
    db.start()
    db.provision()
    yield db
    db.destroy()


@pytest.fixture
def gunicorn(mariadb):
    server = Gunicorn(mariadb.env()).start()
    yield server
    log = server.output()
    server.stop()
    # The engine logs and survives its own errors (Gunicorn would halt on them): none may happen.
    assert 'error in the reload engine' not in log, log[-3000:]
