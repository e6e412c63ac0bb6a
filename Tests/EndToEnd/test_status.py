"""`devtui status` end to end: exit codes and JSON, against stand-ins and against nothing at all."""
import json
import os
import subprocess
import time

from conftest import DEVTUI, World


def status(world, app_url, *args, timeout=30):
    started = time.time()
    proc = subprocess.run([DEVTUI, "status", "--project-dir", str(world.project), "--app-url", app_url] + list(args),
                          env=world.env, capture_output=True, text=True, timeout=timeout)
    return proc, time.time() - started


def test_healthy_json_and_exit_0(tmp_path, app_server):
    world = World(tmp_path, "healthy")
    proc, _ = status(world, app_server, "--json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["ok"] is True and doc["problems"] == [] and doc["schema"] == 1
    snap = doc["snapshot"]
    assert snap["vm"]["value"]["state"] == "running"
    assert [p["name"] for p in snap["pods"]["value"]] == ["app-7d9f8c6b5-x2kq9", "mysql-0"]
    assert snap["app"]["value"]["statusCode"] == 200
    assert snap["app"]["value"]["firstLine"] == "Hello Devops 123, 1234!"
    assert snap["volume"]["value"]["usedBytes"] == 191488 * 1024
    assert snap["volume"]["value"]["capacityBytes"] == 2 * 1024 ** 3
    assert snap["kubeContext"] == "default"


def test_crashloop_text_says_what_is_down(tmp_path, refused_url):
    world = World(tmp_path, "crashloop")
    proc, _ = status(world, refused_url)
    assert proc.returncode == 1
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("DOWN: ")
    assert "pod app-7d9f8c6b5-c7zzp: CrashLoopBackOff (7×, last: Error exit 1)" in last
    assert "app: connection refused" in last


def test_nothing_at_all_is_clear_and_bounded(tmp_path, refused_url):
    world = World(tmp_path, "healthy", path_tools=())
    proc, took = status(world, refused_url, "--json")
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert doc["snapshot"]["vm"]["error"] == "vagrant: not found on PATH"
    assert doc["snapshot"]["pods"]["error"] == "kubectl: not found on PATH"
    assert doc["snapshot"]["app"]["error"] == "connection refused"
    assert took < 20  # bounded: nothing here may wait for a timeout (generous for a loaded machine)


def test_a_hung_kubectl_is_cut_off(tmp_path, refused_url):
    world = World(tmp_path, "healthy")
    world.write("kubectl-get-pods.hang", "")
    proc, took = status(world, refused_url, timeout=90)
    assert proc.returncode == 1
    assert "pods: kubectl: no answer within" in proc.stdout
    # Cut off at kubectl's 8 s timeout, not after the hour the stand-in hangs: a bound that is the
    # behaviour, generous for a loaded machine.
    assert took < 45, took


def test_usage_error_exits_2(tmp_path):
    world = World(tmp_path, "healthy")
    proc, _ = status(world, "ftp://nope")
    assert proc.returncode == 2
    assert "--app-url must start with http://" in proc.stderr


def test_help_lists_every_flag_with_defaults(tmp_path):
    out = subprocess.run([DEVTUI, "--help"], capture_output=True, text=True).stdout
    for flag in ("--project-dir", "--kubeconfig", "--context", "--namespace", "--app-url", "--no-color"):
        assert flag in out, flag
    assert "(default: devenv)" in out and "(default:" in out and "http://127.0.0.1:8080/" in out
    assert "status" in out


def test_app_up_with_a_failing_pod_exits_0_and_says_but(tmp_path, app_server):
    world = World(tmp_path, "crashloop")
    proc, _ = status(world, app_server)
    assert proc.returncode == 0, proc.stdout
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("OK: the app answers 200; but pod app-7d9f8c6b5-c7zzp: CrashLoopBackOff")
    doc = json.loads(status(world, app_server, "--json")[0].stdout)
    assert doc["ok"] is True and doc["problems"] == ["pod app-7d9f8c6b5-c7zzp: CrashLoopBackOff (7×, last: Error exit 1)"]


def test_oom_killed_mysql_that_runs_again_says_why(tmp_path, app_server):
    # Issue 13: MySQL Running with 2 restarts, last terminated OOMKilled (exit 137).
    world = World(tmp_path, "oomkilled")
    proc, _ = status(world, app_server)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    mysql = next(i for i, l in enumerate(lines) if l.strip().startswith("mysql-0"))
    assert lines[mysql + 1].startswith("    └ 2×, last: OOMKilled exit 137, ")
    assert lines[mysql + 1].endswith(" ago")
    doc = json.loads(status(world, app_server, "--json")[0].stdout)
    pod = next(p for p in doc["snapshot"]["pods"]["value"] if p["name"] == "mysql-0")
    assert pod["lastTermination"] == [{
        "container": "mysql", "initContainer": False, "restarts": 2, "reason": "OOMKilled",
        "exitCode": 137, "signal": 9, "finishedAt": 1795606687}]
    assert doc["ok"] is True and doc["schema"] == 1


def test_healthy_status_asks_no_events_and_reads_the_node(tmp_path, app_server):
    world = World(tmp_path, "healthy")
    proc, _ = status(world, app_server, "--json")
    doc = json.loads(proc.stdout)
    assert doc["snapshot"]["node"]["value"] == [{"name": "devenv", "ready": True, "pressure": []}]
    assert "value" not in doc["snapshot"]["events"]
    assert not any(c[1:3] == ["get", "events"] or "events" in c for c in world.calls())
    assert proc.returncode == 0 and doc["problems"] == []


def test_failed_mount_is_said_under_the_pod_and_after_but(tmp_path, app_server):
    world = World(tmp_path, "failed-mount")
    proc, _ = status(world, app_server)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    app = next(i for i, l in enumerate(lines) if l.strip().startswith("app-7d9f8c6b5-mnt01"))
    assert lines[app + 1].startswith("    └ FailedMount ×6, ")
    assert lines[app + 1].endswith("ago: MountVolume.SetUp failed for volume \"code\" : hostPath type check failed: "
                                   "/vagrant/app is not a directory")
    last = lines[-1]
    assert last.startswith("OK: the app answers 200; but pod app-7d9f8c6b5-mnt01: ContainerCreating (FailedMount ×6, ")
    calls = [c for c in world.calls() if "events" in c]
    assert calls and all(c[-5:] == ["events", "--field-selector", "type=Warning", "-o", "json"] for c in calls)
    doc = json.loads(status(world, app_server, "--json")[0].stdout)
    events = doc["snapshot"]["events"]["value"]
    # The gone pod and the older mysql-0 have Warnings in the namespace too: only this pod's is kept.
    assert [(e["kind"], e["name"], e["reason"], e["count"]) for e in events] == [
        ("Pod", "app-7d9f8c6b5-mnt01", "FailedMount", 6)]
    assert events[0]["uid"] == "5d0e4c1e-0777-4f5b-9d2a-0c6e1f2b3a4d"
    assert events[0]["lastSeenAt"] == 1795606887 and events[0]["firstSeenAt"] == 1795606692


def test_failed_scheduling_with_the_app_down_exits_1(tmp_path):
    world = World(tmp_path, "failed-scheduling")
    proc, _ = status(world, "http://127.0.0.1:9/")
    assert proc.returncode == 1
    assert "    └ FailedScheduling ×4, " in proc.stdout
    assert "0/1 nodes are available: 1 Insufficient memory." in proc.stdout
    assert proc.stdout.splitlines()[-1].startswith("DOWN: pod mysql-0: Unschedulable (0/1 nodes are available")


def test_node_pressure_goes_after_but_and_not_ready_does_not_change_the_exit_rule(tmp_path, app_server):
    world = World(tmp_path, "disk-pressure")
    proc, _ = status(world, app_server)
    assert proc.returncode == 0
    assert "Node    devenv DiskPressure" in proc.stdout
    assert proc.stdout.splitlines()[-1] == "OK: the app answers 200; but node devenv: DiskPressure"
    doc = json.loads(status(world, app_server, "--json")[0].stdout)
    assert doc["snapshot"]["node"]["value"] == [{"name": "devenv", "ready": True, "pressure": ["DiskPressure"]}]

    world = World(tmp_path / "nr", "node-not-ready")
    proc, _ = status(world, app_server)
    assert proc.returncode == 0, "a NotReady node alone never fails status while the app answers"
    assert proc.stdout.splitlines()[-1] == ("OK: the app answers 200; but node devenv: NotReady "
                                            "(Kubelet stopped posting node status.)")
    proc, _ = status(world, "http://127.0.0.1:9/")
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[-1].startswith("DOWN: node devenv: NotReady")


def test_forbidden_nodes_are_no_problem(tmp_path, app_server):
    # A shared cluster may not let the user list nodes: said in the JSON source, not a problem.
    world = World(tmp_path, "healthy")
    world.write("kubectl-get-nodes", "")
    world.write("kubectl-get-nodes.exit", "1")
    world.write("kubectl-get-nodes.stderr", 'Error from server (Forbidden): nodes is forbidden: User "dev" cannot list '
                                            'resource "nodes" in API group "" at the cluster scope\n')
    proc, _ = status(world, app_server, "--json")
    doc = json.loads(proc.stdout)
    assert proc.returncode == 0 and doc["problems"] == []
    assert "forbidden" in doc["snapshot"]["node"]["error"]


def test_hostile_events_in_status_are_bounded_lines(tmp_path, app_server):
    from test_dashboard import hostile_scenario
    world = World(tmp_path, hostile_scenario(tmp_path))
    proc, took = status(world, app_server, "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    events = doc["snapshot"]["events"]["value"]
    assert [e["name"] for e in events] == ["app-7d9f8c6b5-mnt01"]
    assert events[0]["reason"] == "FailedMount" and len(events[0]["message"]) <= 300
    assert events[0]["message"].startswith("line one line two \ufffd[2J\ufffd[31mred\ufffd xxx")
    text, _ = status(world, app_server)
    line = next(l for l in text.stdout.splitlines() if "└ FailedMount" in l)
    assert len(line) < 400 and "\x1b" not in text.stdout


def test_a_world_readable_kubeconfig_is_reported_but_not_fatal(tmp_path, app_server):
    world = World(tmp_path, "healthy")
    kubeconfig = world.project / ".devenv" / "kubeconfig"
    kubeconfig.parent.mkdir()
    kubeconfig.write_text("apiVersion: v1\n")
    kubeconfig.chmod(0o644)
    proc, _ = status(world, app_server)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == (
        "OK: the app answers 200; but kubeconfig: .devenv/kubeconfig (cluster-admin credentials) is readable by "
        "any user of this machine, mode 644: chmod 600 .devenv/kubeconfig")
    kubeconfig.chmod(0o600)
    proc, _ = status(world, app_server, "--json")
    assert json.loads(proc.stdout)["problems"] == []


# What the app answers when it is up but not well: each is DOWN (exit 1), with why. The bodies
# are the ones Flask 1.1.4 and Gunicorn 19.10.0 send (the traceback was captured from
# app/gunicorn.conf.py under Gunicorn 19.10.0 with a module-level NameError, its paths those of
# the pod: WORKDIR /app, Alpine's site-packages).
FLASK_404 = (b'<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>404 Not Found</title>\n'
             b'<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL '
             b'manually please check your spelling and try again.</p>\n')
FLASK_302 = (b'<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>Redirecting...</title>\n'
             b'<h1>Redirecting...</h1>\n<p>You should be redirected automatically to target URL: '
             b'<a href="/login">/login</a>.  If not click the link.')
SITE = "/usr/lib/python2.7/site-packages/gunicorn"
GUNICORN_500 = ("""Traceback (most recent call last):
  File "/app/gunicorn.conf.py", line 347, in _load_wsgi
    self.wsgi = self.app.wsgi()
  File "%(site)s/app/base.py", line 67, in wsgi
    self.callable = self.load()
  File "%(site)s/app/wsgiapp.py", line 52, in load
    return self.load_wsgiapp()
  File "%(site)s/app/wsgiapp.py", line 41, in load_wsgiapp
    return util.import_app(self.app_uri)
  File "%(site)s/util.py", line 350, in import_app
    __import__(module)
  File "/app/application.py", line 59, in <module>
    x_not_defined + 1
NameError: name 'x_not_defined' is not defined
""" % {"site": SITE}).encode()


def down(world, url):
    """`devtui status` and `--json` against the app at url: (text proc, json doc)."""
    proc, _ = status(world, url)
    as_json, _ = status(world, url, "--json")
    assert as_json.returncode == proc.returncode
    return proc, json.loads(as_json.stdout)


def test_an_app_answering_404_is_down(tmp_path, canned_app):
    world = World(tmp_path, "healthy")
    url = canned_app(404, FLASK_404, [("Content-Type", "text/html")])
    proc, doc = down(world, url)
    assert proc.returncode == 1, proc.stdout
    lines = proc.stdout.splitlines()
    assert any(l.startswith("App     %s  404 in " % url) for l in lines), proc.stdout
    assert lines[-1] == "DOWN: app: HTTP 404"
    assert doc["ok"] is False and doc["problems"] == ["app: HTTP 404"]
    assert doc["snapshot"]["app"]["value"]["statusCode"] == 404


def test_an_app_answering_a_redirect_is_down(tmp_path, canned_app):
    # devtui asks for the page itself and follows nothing: a 302 (a login page in front of the
    # app, a wrong path) is not the app answering.
    world = World(tmp_path, "healthy")
    url = canned_app(302, FLASK_302, [("Location", "http://127.0.0.1/login"), ("Content-Type", "text/html")])
    proc, doc = down(world, url)
    assert proc.returncode == 1, proc.stdout
    assert proc.stdout.splitlines()[-1] == "DOWN: app: HTTP 302"
    assert doc["ok"] is False and doc["problems"] == ["app: HTTP 302"]


def test_a_traceback_500_says_the_exception_and_where(tmp_path, canned_app):
    world = World(tmp_path, "healthy")
    url = canned_app(500, GUNICORN_500, [("Server", "gunicorn/19.10.0"), ("Content-Type", "text/plain")])
    proc, doc = down(world, url)
    assert proc.returncode == 1, proc.stdout
    why = "NameError: name 'x_not_defined' is not defined (/app/application.py, line 59)"
    app = next(l for l in proc.stdout.splitlines() if l.startswith("App "))
    assert app.startswith("App     %s  500 in " % url) and app.endswith(" ms: " + why), app
    assert proc.stdout.splitlines()[-1] == "DOWN: app: HTTP 500: " + why
    assert doc["ok"] is False and doc["problems"] == ["app: HTTP 500: " + why]
    value = doc["snapshot"]["app"]["value"]
    assert value["statusCode"] == 500 and value["exceptionAt"] == "/app/application.py, line 59"
    assert value["exception"] == "NameError: name 'x_not_defined' is not defined"
