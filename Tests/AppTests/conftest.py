import pytest

from harness import Gunicorn, MariaDB


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
    server.stop()
