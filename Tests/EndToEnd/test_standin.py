"""The stand-in kubectl/vagrant themselves: a call no scenario expects fails loudly."""
import json
import os
import subprocess
import sys

from conftest import STANDINS


def run(tmp_path, tool, *args):
    scenario = tmp_path / "scenario"
    scenario.mkdir(exist_ok=True)
    link = tmp_path / tool
    if not link.exists():
        os.symlink(os.path.join(STANDINS, "standin.py"), str(link))
    env = {"PATH": os.path.dirname(os.path.realpath(sys.executable)), "STANDIN_DIR": str(scenario),
           "STANDIN_LOG": str(tmp_path / "argv.log")}
    return scenario, subprocess.run([str(link)] + list(args), env=env, capture_output=True, text=True, timeout=10)


def test_an_unexpected_call_fails_and_is_recorded(tmp_path):
    scenario, proc = run(tmp_path, "kubectl", "--namespace", "devenv", "delete", "pvc", "mysql-data")
    assert proc.returncode == 1
    assert proc.stdout == "" and "standin: no fixture for kubectl-delete-pvc" in proc.stderr
    recorded = [json.loads(l) for l in (scenario / "UNEXPECTED").read_text().splitlines()]
    assert recorded == [["kubectl", "--namespace", "devenv", "delete", "pvc", "mysql-data"]]


def test_an_expected_call_replays_its_fixture_and_exit_code(tmp_path):
    scenario, _ = run(tmp_path, "vagrant", "--version")
    (scenario / "UNEXPECTED").unlink()
    (scenario / "vagrant-status").write_text("1,devenv,state,running\n")
    (scenario / "vagrant-status.exit").write_text("3")
    _, proc = run(tmp_path, "vagrant", "status", "--machine-readable")
    assert (proc.returncode, proc.stdout) == (3, "1,devenv,state,running\n")
    assert not (scenario / "UNEXPECTED").exists()
