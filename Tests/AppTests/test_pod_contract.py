"""What the app's pod asks of the app and its engine (manifests/base/app.yaml), checked against the
engine and app/gunicorn.conf.py, and the behaviour behind each rule with real Gunicorn and MariaDB:
the probes' path (issue 20.10) and a stop without a gap (issue 20.9)."""
import ast
import json
import os
import socket
import subprocess
import threading
import time

import pytest

import devenv_reload
from harness import APP_DIR, ROOT, Gunicorn, Relay, get, wait_until

GREETING = 'Hello Devops 123, 1234!'
HEALTH = devenv_reload.HEALTH_PATH


@pytest.fixture(scope='module')
def container():
    """The app container of the Deployment, as `kubectl kustomize manifests/base` renders it (read
    with python3's yaml: the app suite runs with the tools' venv on PATH)."""
    rendered = subprocess.check_output(['kubectl', 'kustomize', os.path.join(ROOT, 'manifests', 'base')])
    reader = subprocess.Popen(['python3', '-c', 'import json, sys, yaml; json.dump(list(yaml.safe_load_all(sys.stdin)), '
                                                'sys.stdout)'], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    docs = json.loads(reader.communicate(rendered)[0])
    assert reader.returncode == 0
    app = [d for d in docs if d['kind'] == 'Deployment' and d['metadata']['name'] == 'app'][0]
    spec = app['spec']['template']['spec']
    return spec, [c for c in spec['containers'] if c['name'] == 'app'][0]


def conf_setting(name):
    """A top-level literal setting of app/gunicorn.conf.py, or the default its os.getenv gives."""
    with open(os.path.join(APP_DIR, 'gunicorn.conf.py')) as f:
        tree = ast.parse(f.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, 'id', None) for t in node.targets] == [name]:
            literals = [n for n in ast.walk(node.value) if isinstance(n, (ast.Num, ast.Str))]
            value = literals[-1]
            return value.n if isinstance(value, ast.Num) else int(value.s)
    raise AssertionError('app/gunicorn.conf.py sets no %s' % name)


def port_number(container, port):
    ports = dict((p['name'], p['containerPort']) for p in container.get('ports', []) if 'name' in p)
    return ports[port] if port in ports else port


@pytest.mark.parametrize('probe', ['readinessProbe', 'livenessProbe'])
def test_both_probes_ask_the_path_every_worker_answers(container, probe):
    _, app = container
    check = app[probe]
    assert 'httpGet' in check, '%s must ask a worker over HTTP, not %s' % (probe, sorted(check))
    assert check['httpGet']['path'] == HEALTH
    assert port_number(app, check['httpGet']['port']) == 3000


def test_liveness_outlasts_gunicorn_s_own_worker_timeout(container):
    """Gunicorn replaces a stuck worker after its timeout; liveness restarts the container only
    when that did not bring a worker back (and a start-up with an endless loop at import gets its
    page after the timeout, before liveness gives up)."""
    _, app = container
    check = app['livenessProbe']
    patience = check.get('initialDelaySeconds', 0) + check['periodSeconds'] * check['failureThreshold']
    assert patience >= 2 * conf_setting('timeout'), (patience, conf_setting('timeout'))


def test_the_pod_stops_only_after_the_service_forgot_it_and_requests_finished(container):
    spec, app = container
    command = app['lifecycle']['preStop']['exec']['command']
    assert command[0] == 'sleep' and len(command) == 2 and int(command[1]) >= 2, command
    grace = spec.get('terminationGracePeriodSeconds', 30)
    assert int(command[1]) + conf_setting('graceful_timeout') < grace


def write(path, text):
    with open(path + '.tmp', 'w') as f:
        f.write(text)
    os.rename(path + '.tmp', path)


def read(path):
    with open(path) as f:
        return f.read()


def test_the_health_path_answers_while_the_app_answers_500(gunicorn, mariadb):
    assert get(gunicorn.url + HEALTH[1:]) == (200, 'ok: this worker answers; the app is loaded\n')
    original = read(gunicorn.app_file())
    write(gunicorn.app_file(), original.replace('\nif __name__ ==', '\nnot_defined_at_all\n\nif __name__ =='))
    wait_until(lambda: get(gunicorn.url)[0] == 500, 5, what='the bad save to be live')
    assert get(gunicorn.url + HEALTH[1:]) == (
        200, 'ok: this worker answers; the app failed to load, other paths answer 500 with why\n')
    write(gunicorn.app_file(), original)
    wait_until(lambda: get(gunicorn.url) == (200, GREETING), 5, what='the fix to be live')
    # The kubelet asks every 2 s: not a line in the access log each time.
    assert HEALTH not in gunicorn.output()


def test_the_health_path_does_not_need_the_database(mariadb):
    relay = Relay(mariadb.port)
    server = Gunicorn(dict(mariadb.env(), MYSQL_PORT=str(relay.port))).start()
    try:
        relay.down()
        assert get(server.url)[0] == 500
        assert get(server.url + HEALTH[1:])[0] == 200
    finally:
        server.stop()
        relay.close()


def test_no_health_answer_until_a_worker_has_loaded_the_app_though_the_port_takes_connections(mariadb):
    """What a TCP probe cannot tell: the port takes connections before any worker answers."""
    server = Gunicorn(mariadb.env())
    slow = "import time as _t\n_end = _t.time() + 3\nwhile _t.time() < _end:\n    _t.sleep(0.05)\n"
    write(server.app_file(), read(server.app_file()).replace('\nif __name__ ==', '\n' + slow + '\nif __name__ =='))
    try:
        server.start(wait=False)
        wait_until(lambda: 'Booting worker' in server.output(), 10, what='a worker to start importing')
        socket.create_connection(('127.0.0.1', server.port), timeout=1).close()
        assert get(server.url + HEALTH[1:], timeout=1)[0] is None
        wait_until(lambda: get(server.url + HEALTH[1:], timeout=1)[0] == 200, 15, what='the health answer')
    finally:
        server.stop()


def test_the_health_path_without_live_code(mariadb):
    server = Gunicorn(dict(mariadb.env(), GUNICORN_RELOAD='0')).start()
    try:
        assert get(server.url + HEALTH[1:]) == (200, 'ok: this worker answers; the app is loaded\n')
        assert get(server.url) == (200, GREETING)
    finally:
        server.stop()


def test_sigterm_finishes_the_requests_under_way(mariadb):
    """What the pod's grace period is for: after SIGTERM (the preStop pause is over) Gunicorn
    takes no new connection but finishes the request under way."""
    server = Gunicorn(mariadb.env())
    view = ("\n@application.route('/slow')\ndef slow():\n  import time\n  open(flask.request.args['mark'], 'w').close()\n"
            "  end = time.time() + 2\n  while time.time() < end:\n    time.sleep(end - time.time())\n"
            "  return 'slow done'\n")
    write(server.app_file(), read(server.app_file()).replace('\nif __name__ ==', view + '\nif __name__ =='))
    mark = os.path.join(server.dir, 'slow-started')
    answers = []
    try:
        server.start()
        slow = threading.Thread(target=lambda: answers.append(get(server.url + 'slow?mark=' + mark, timeout=30)))
        slow.start()
        wait_until(lambda: os.path.exists(mark), 5, what='the slow request to start')
        server.proc.terminate()
        slow.join(30)
        assert answers == [(200, 'slow done')]
        wait_until(lambda: server.proc.poll() is not None, 30, what='gunicorn to stop')
        assert server.proc.returncode == 0
    finally:
        server.stop()
