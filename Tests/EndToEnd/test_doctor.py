"""`devtui doctor` end to end: the real binary, stand-in VBoxManage/vagrant/kubectl on PATH, fixture
/proc trees and networks.conf files, and a real listener for a taken port."""
import json
import os
import shutil
import signal
import socket
import subprocess
import time

from conftest import DEVTUI, ROOT, World

DOCTOR = os.path.join(ROOT, "Tests", "Fixtures", "doctor")
TOOLS = ("VBoxManage", "vagrant", "kubectl")
GIB = 1024 ** 3


def listener():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    return s


def free_port():
    s = listener()
    port = s.getsockname()[1]
    s.close()
    return port


def world(tmp_path, host="plain-6.8", networks=None, tools=TOOLS, settings=None, timeout_scale=10):
    """A doctor world. The stand-ins are Python: at load 10 one took over 2 s to answer and a
    ready host read "vagrant status: no answer" (so a taken port was only a note), hence every
    timeout x10 unless a test is about the timeouts themselves (timeout_scale=None: the
    product's own)."""
    w = World(tmp_path, os.path.join("..", "doctor", "ready"), path_tools=tools)
    (w.project / "settings.env").write_text(
        settings if settings is not None else "API_HOST_PORT=%d\nAPP_HOST_PORT=%d\n" % (free_port(), free_port()))
    w.env.update({
        "DEVTUI_PROC_ROOT": os.path.join(DOCTOR, "hosts", host, "proc"),
        "DEVTUI_VBOX_NETWORKS_CONF": os.path.join(DOCTOR, "networks", networks) if networks else str(tmp_path / "none.conf"),
        "VAGRANT_HOME": str(tmp_path / "vagrant.d"),
    })
    if timeout_scale:
        w.env["DEVTUI_DOCTOR_TIMEOUT_SCALE"] = str(timeout_scale)
    return w


def doctor(w, *args, timeout=60):
    started = time.time()
    proc = subprocess.run([DEVTUI, "doctor", "--project-dir", str(w.project)] + list(args),
                          env=w.env, capture_output=True, text=True, timeout=timeout)
    return proc, time.time() - started


def disk_is_enough(tmp_path):
    return shutil.disk_usage(str(tmp_path)).free >= 10 * GIB


def test_ready_host_text_and_json(tmp_path):
    w = world(tmp_path)
    proc, _ = doctor(w)
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("devtui doctor · project · settings ")
    assert "✓ VirtualBox 7.1.4 (Ubuntu build)" in lines
    assert "✓ Vagrant 2.4.3 supports VirtualBox 7.1 (from 2.4.2)" in lines
    assert "✓ KVM: no kvm_intel/kvm_amd module loaded" in lines
    assert "✓ memory: 12 GiB free (the VM takes 3.0 GiB)" in lines
    assert "✓ kubectl 1.34.2 (the pinned k3s 1.34)" in lines
    # The disk is this machine's: the expectation follows the same fact.
    if disk_is_enough(tmp_path):
        assert proc.returncode == 0, proc.stdout
        assert lines[-1] == "OK: nothing in the way of `vagrant up`"
    else:
        assert proc.returncode == 1 and any(l.startswith("✗ disk:") for l in lines)

    proc, _ = doctor(w, "--json")
    doc = json.loads(proc.stdout)
    assert doc["schema"] == 1 and doc["ok"] is (proc.returncode == 0)
    ids = [c["id"] for c in doc["checks"]]
    assert ids == ["arch", "virtualbox", "vagrant", "vagrant-virtualbox", "kvm", "host-only-network", "port-api", "port-app",
                   "memory", "disk", "kubectl", "vm"]
    for check in doc["checks"]:
        assert set(check) <= {"id", "status", "summary", "fix"} and check["status"] in ("ok", "warn", "fail")
        assert check["status"] == "ok" or check["fix"]
    # The calls doctor made, each an argv array.
    calls = w.calls()
    assert ["VBoxManage", "--version"] in calls and ["vagrant", "--version"] in calls
    assert ["vagrant", "status", "--machine-readable"] in calls
    assert ["kubectl", "version", "--client", "-o", "json"] in calls


def test_a_port_held_by_a_real_listener(tmp_path):
    held = listener()
    try:
        port = held.getsockname()[1]
        w = world(tmp_path, settings="API_HOST_PORT=%d\nAPP_HOST_PORT=%d\n" % (free_port(), port))
        w.env["DEVTUI_PROC_ROOT"] = "/proc"  # the holder is this test process: the OS can name it
        proc, _ = doctor(w)
        assert proc.returncode == 1
        line = next(l for l in proc.stdout.splitlines() if l.startswith("✗ port 127.0.0.1:%d" % port))
        assert "(app) is taken" in line
        if os.path.exists("/proc/net/tcp"):
            assert "(pid %d)" % os.getpid() in line
        assert "or set APP_HOST_PORT in settings.env to a free port" in proc.stdout
    finally:
        held.close()


def test_a_hung_vboxmanage_is_given_up_at_its_timeout(tmp_path):
    # Outcome and order, not speed: the hung tool is named with its own timeout (the run's
    # deadline would say "virtualbox: no answer"), the others answered, and it is gone at exit.
    # Timeouts x4 (VBoxManage 6 s, vagrant 8 s, deadline 10.4 s): the others have time to answer.
    w = world(tmp_path, timeout_scale=4)
    w.write("vboxmanage-version.hang", "")
    proc, _ = doctor(w, timeout=60)
    assert "! VirtualBox: `VBoxManage --version` gave no answer within 6.0 s" in proc.stdout
    assert "✓ Vagrant 2.4.3" in proc.stdout
    left = w.live_standins()
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == [], "the hung VBoxManage outlived devtui doctor"


def test_a_vagrant_that_ignores_sigterm_is_not_left_behind(tmp_path):
    # vagrant's timeout (2 s) plus SIGKILL's second ends after the deadline (2.6 s): the answer is
    # printed then, and the exit waits for the kill. Exiting at the answer orphaned the stand-in,
    # which then ran for an hour.
    w = world(tmp_path, timeout_scale=None)  # the product's timeouts: their order is the point
    w.write("vagrant-version.hang", "ignore SIGTERM")
    proc, _ = doctor(w)
    left = w.live_standins()
    for pid in left:
        os.kill(pid, signal.SIGKILL)  # a failure leaves no orphan behind
    assert "! virtualbox: no answer within 2.6 s" in proc.stdout
    assert left == [], "the hung vagrant outlived devtui doctor"


def test_kvm_and_a_vagrant_too_old_for_the_virtualbox(tmp_path):
    w = world(tmp_path, host="kvm-intel-6.12")
    w.write("vagrant-version", "Vagrant 2.4.1.dev\n")
    proc, _ = doctor(w)
    assert proc.returncode == 1
    out = proc.stdout
    assert "✗ Vagrant 2.4.1 cannot drive VirtualBox 7.1 (needs Vagrant 2.4.2+)" in out
    assert "! KVM: kvm_intel is loaded and Linux 6.12 gives it VT-x/AMD-V at load: VirtualBox fails with VERR_VMX_IN_VMX_ROOT_MODE" in out
    assert "    fix: sudo modprobe -r kvm_intel (until reboot)" in out
    assert out.strip().splitlines()[-1].startswith("NOT READY: 1 problem (✗) will stop `vagrant up`")


def test_garbage_from_vboxmanage_and_little_memory(tmp_path):
    w = world(tmp_path, host="kvm-amd-off")
    w.write("vboxmanage-version", "\x1b[31mSegmentation fault\n")
    w.write("vboxmanage-version.exit", "139")
    proc, _ = doctor(w)
    assert proc.returncode == 1
    assert "✗ VirtualBox: `VBoxManage --version` printed no version (exit 139, �[31mSegmentation fault)" in proc.stdout
    assert "✗ memory: 2.2 GiB free, the VM needs 3.0 GiB + 1 GiB for the host" in proc.stdout
    assert "✓ KVM: kvm_amd loaded with enable_virt_at_load=N" in proc.stdout
    # DEVENV_MEMORY lowers the need, as it lowers the VM.
    w.env["DEVENV_MEMORY"] = "1024"
    assert "✓ memory: 2.2 GiB free (the VM takes 1.0 GiB)" in doctor(w)[0].stdout


def test_networks_conf_with_junk_and_a_refused_ip(tmp_path):
    w = world(tmp_path, networks="ignored.conf")
    proc, _ = doctor(w)
    line = next(l for l in proc.stdout.splitlines() if "host-only network" in l)
    assert line.startswith("! host-only network: 192.168.56.10 is allowed")
    assert line.endswith("ignored.conf: line 2: 192.168.56.0/21 (+1 more)")
    w = world(tmp_path / "b", networks="invalid.conf")
    proc, _ = doctor(w)
    assert proc.returncode == 1
    assert "invalid.conf line 1: not-a-range (+6 more) is no address or range: vagrant up stops reading the file" in proc.stdout
    w = world(tmp_path / "c", networks="only-junk.conf")
    proc, _ = doctor(w)
    assert proc.returncode == 1
    assert "✗ host-only network: 192.168.56.10 is outside the ranges VirtualBox allows (none)" in proc.stdout
    assert "fix: echo '* 192.168.56.0/24' | sudo tee -a " in proc.stdout


def test_nothing_installed(tmp_path):
    w = world(tmp_path, tools=())
    proc, _ = doctor(w, "--json")
    doc = json.loads(proc.stdout)
    by_id = {c["id"]: c for c in doc["checks"]}
    assert proc.returncode == 1 and doc["ok"] is False
    assert by_id["virtualbox"]["summary"] == "VirtualBox: VBoxManage not found on PATH"
    assert by_id["vagrant"]["status"] == "fail" and by_id["vm"]["status"] == "fail"
    assert by_id["kubectl"]["status"] == "warn"


def test_ascii_marks_without_utf8_and_usage_error(tmp_path):
    w = world(tmp_path)
    w.env["LANG"] = "C"
    out = doctor(w)[0].stdout
    assert "ok VirtualBox 7.1.4 (Ubuntu build)" in out and "✓" not in out
    proc, _ = doctor(w, "--frobnicate")
    assert proc.returncode == 2
    assert "Unknown option '--frobnicate'" in proc.stderr


# The dashboard: doctor's findings where the pods would be, the question on u, the steps of a
# first `vagrant up` from a recorded transcript, and a failed up with its fix.

TRANSCRIPTS = os.path.join(ROOT, "Tests", "Fixtures", "transcripts")


def dashboard(run_devtui, transcript=None, exit_code=0, delay="0.05"):
    world, tui = run_devtui("not-created")
    shutil.copy(os.path.join(ROOT, "Vagrantfile"), str(world.project / "Vagrantfile"))
    if transcript:
        shutil.copy(os.path.join(TRANSCRIPTS, transcript), str(world.scenario / "vagrant-up"))
        world.write("vagrant-up.delay", delay)
        world.write("vagrant-up.exit", str(exit_code))
    return world, tui


def test_dashboard_shows_findings_and_u_asks_first(run_devtui):
    world, tui = dashboard(run_devtui)
    screen = tui.wait_for("✗ VirtualBox: VBoxManage not found on PATH", "found by devtui doctor", "fix: install VirtualBox",
                          "press u to provision (first run 10-30 min)", settle=True)
    rows = screen.splitlines()
    finding = next(i for i, r in enumerate(rows) if "✗ VirtualBox: VBoxManage not found" in r)
    last = next(i for i, r in enumerate(rows) if "press u to provision (first run 10-30 min)" in r)
    assert "problem" in rows[finding - 1] and "found by devtui doctor" in rows[finding - 1]
    assert finding < last and "└" in rows[last + 1]  # the way forward is the pane's last line
    assert "fix: install VirtualBox" in screen
    tui.keys("u")
    tui.wait_for("doctor: VirtualBox: VBoxManage not found on PATH.")
    tui.keys("Enter")
    tui.wait_for("provisioning cancelled")
    time.sleep(0.3)
    assert not world.called("vagrant", "up")
    # Doctor ran once at start, not on every poll.
    assert sum(1 for c in world.calls() if c == ["vagrant", "--version"]) == 1


def test_first_up_shows_each_step(run_devtui):
    # The screen is sampled, so each step must stay up longer than a capture takes on a loaded
    # machine (a tmux capture-pane took 100-300 ms at load 10): 0.25 s a line, the shortest step
    # (on-boot) three lines.
    world, tui = dashboard(run_devtui, "first-up.txt", delay="0.25")
    tui.wait_for("✗ VirtualBox: VBoxManage not found on PATH")
    tui.keys("u")
    tui.wait_for("Provision anyway? [y/N]")
    tui.keys("y")
    seen = set()
    deadline = time.time() + 90
    screen = ""
    while time.time() < deadline and "✓ provisioned" not in screen:
        screen = tui.screen()
        for step in ("step 1/8: box download", "step 2/8: boot", "step 3/8: shared folders", "step 4/8: provisioner docker",
                     "step 5/8: provisioner k3s", "step 6/8: provisioner app", "step 7/8: provisioner on-boot"):
            if step in screen:
                seen.add(step)
        for pct in ("37%", "81%"):
            if "box download " + pct in screen:
                seen.add(pct)
        time.sleep(0.03)
    assert "✓ provisioned" in screen
    assert {"step 1/8: box download", "step 2/8: boot", "step 4/8: provisioner docker", "step 5/8: provisioner k3s",
            "step 7/8: provisioner on-boot"} <= seen, seen
    assert "37%" in seen or "81%" in seen, seen
    assert ["vagrant", "up"] in world.calls()
    screen = tui.screen()
    assert "\ufffd" not in screen and "[K" not in screen  # escape bytes of the redraws are gone


def test_a_failed_up_says_the_step_and_the_fix(run_devtui):
    world, tui = dashboard(run_devtui, "fail-kvm.txt", exit_code=1)
    tui.wait_for("✗ VirtualBox: VBoxManage not found on PATH")
    tui.keys("u")
    tui.wait_for("Provision anyway? [y/N]")
    tui.keys("y")
    tui.wait_for("✗ up failed at 2/8 boot: KVM holds VT-x · fix: sudo modprobe -r kvm_intel, then u",
                 "✗ vagrant up failed at step 2/8: boot: KVM holds VT-x", "press u to provision (first run 10-30 min)", timeout=30)
    # After a failed action doctor looks at the host again.
    tui.wait_until(lambda: sum(1 for c in world.calls() if c == ["vagrant", "--version"]) == 2, what="a second doctor run")


def test_another_cluster_without_a_project(tmp_path):
    w = world(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = subprocess.run([DEVTUI, "doctor", "--context", "kind-kind"], cwd=str(elsewhere), env=w.env,
                          capture_output=True, text=True, timeout=20)
    assert proc.returncode == 0, proc.stdout
    lines = proc.stdout.splitlines()
    assert lines[0] == "devtui doctor · devenv · no settings.env: defaults"
    assert "✓ no Vagrantfile here or above: VM checks skipped, cluster checked" in lines
    assert "✓ Kubernetes API answers (1.31.4+k3s1)" in lines
    # kubectl 1.34 against a 1.31 cluster: skew of three minors.
    assert "! kubectl 1.34.2 is 3 minor versions from the cluster's 1.31 (supported: one)" in lines
    assert ["kubectl", "--context", "kind-kind", "--namespace", "devenv", "--request-timeout=1s", "version", "-o", "json"] in w.calls()
    assert not any(c[0] in ("vagrant", "VBoxManage") for c in w.calls())


def test_unreadable_proc_and_a_broken_settings_line(tmp_path):
    w = world(tmp_path)
    w.env["DEVTUI_PROC_ROOT"] = str(tmp_path / "no-proc")
    with open(str(w.project / "settings.env"), "a") as f:
        f.write("VM_MEMORY_MB 4096\n")
    proc, _ = doctor(w, "--json")
    by_id = {c["id"]: c for c in json.loads(proc.stdout)["checks"]}
    assert by_id["kvm"]["status"] == "warn" and "cannot read the loaded modules" in by_id["kvm"]["summary"]
    assert by_id["memory"]["status"] == "warn"
    assert by_id["settings"]["summary"] == "settings.env line 3: not KEY=value: VM_MEMORY_MB 4096: ignored, defaults used"
    assert by_id["settings"]["status"] == "warn"


def test_a_vboxmanage_that_ignores_sigterm_is_killed_in_time(tmp_path):
    w = world(tmp_path, tools=("vagrant", "kubectl"), timeout_scale=None)
    script = w.bin / "VBoxManage"
    script.write_text("#!/bin/sh\ntrap '' TERM\nwhile :; do sleep 0.1; done\n")
    script.chmod(0o755)
    proc, _ = doctor(w)
    assert "VBoxManage --version` gave no answer within 1.5 s" in proc.stdout or "virtualbox: no answer within" in proc.stdout
    # Gone when doctor exits (it waits for the SIGKILL a second after SIGTERM), not a moment later.
    left = subprocess.run(["pgrep", "-f", str(script)], capture_output=True, text=True).stdout.split()
    assert left == [], "VBoxManage stand-in still running: %s" % left
