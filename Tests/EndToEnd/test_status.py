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


def test_crashloop_text_says_what_is_down(tmp_path):
    world = World(tmp_path, "crashloop")
    proc, _ = status(world, "http://127.0.0.1:9/")
    assert proc.returncode == 1
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("DOWN: ")
    assert "pod app-7d9f8c6b5-c7zzp: CrashLoopBackOff (7×, last: Error exit 1)" in last
    assert "app: connection refused" in last


def test_nothing_at_all_is_clear_and_bounded(tmp_path):
    world = World(tmp_path, "healthy", path_tools=())
    proc, took = status(world, "http://127.0.0.1:9/", "--json")
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert doc["snapshot"]["vm"]["error"] == "vagrant: not found on PATH"
    assert doc["snapshot"]["pods"]["error"] == "kubectl: not found on PATH"
    assert doc["snapshot"]["app"]["error"] == "connection refused"
    assert took < 10


def test_a_hung_kubectl_is_cut_off(tmp_path):
    world = World(tmp_path, "healthy")
    world.write("kubectl-get-pods.hang", "")
    proc, took = status(world, "http://127.0.0.1:9/")
    assert proc.returncode == 1
    assert "pods: kubectl: no answer within" in proc.stdout
    assert took < 15


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
