"""A first run on a host that is not ready (issue 21): Vagrant installed, VirtualBox missing, so
`vagrant status` itself fails. The dashboard, `devtui doctor` and `devtui status` against the
stand-ins, with the scenario `no-virtualbox` (Vagrant 2.3.4's recorded answer, exit 1)."""
import json
import os
import shutil
import subprocess
import time

import pytest

from conftest import DEVTUI, ROOT, Tmux, World


@pytest.fixture
def dashboard(tmp_path, app_server):
    """Like run_devtui, but the scenario can be changed before devtui starts."""
    sessions = []

    def start(scenario, prepare=None, width=100, height=30):
        world = World(tmp_path, scenario)
        if prepare:
            prepare(world)
        session = Tmux(world, ["--project-dir", str(world.project), "--app-url", app_server], width, height)
        sessions.append(session)
        return world, session

    yield start
    for s in sessions:
        s.close()


def pane_rows(screen, left=60):
    """The pods pane's rows (left column of the top half), without the border."""
    rows = []
    for row in screen.splitlines()[2:]:  # the header, then the top border
        if row.startswith("└"):
            break
        rows.append(row[1:left - 1].rstrip())
    return rows


def test_no_virtualbox_shows_the_doctor_and_u_asks_first(dashboard):
    world, tui = dashboard("no-virtualbox")
    screen = tui.wait_for("✗ VirtualBox: VBoxManage not found on PATH")
    rows = pane_rows(screen)
    assert rows[0] == " VM state unknown — 1 problem found by devtui doctor:", rows
    assert "fix: install VirtualBox" in screen
    # The way forward is the pane's last line; the kubectl error that points nowhere is not shown.
    assert rows[-1] == " press u to provision (first run 10-30 min)", rows
    assert "no kubeconfig yet" not in "\n".join(rows)
    # doctor's `✗ VM` line only repeated the VirtualBox failure: folded into it.
    assert "✗ VM" not in screen and "(so `vagrant" in screen
    tui.keys("u")
    tui.wait_for("doctor: VirtualBox: VBoxManage not found on PATH")
    tui.wait_for("Provision anyway? [y/N]")
    tui.keys("Enter")
    tui.wait_for("provisioning cancelled")
    tui.keys("u")
    tui.wait_for("Provision anyway? [y/N]")
    tui.keys("x")
    tui.wait_for("provisioning cancelled")
    time.sleep(0.3)
    assert not world.called("vagrant", "up")


def test_u_before_the_doctor_has_answered_waits_for_it(dashboard):
    # `vagrant --version` hangs: doctor answers only at its 2 s timeout.
    world, tui = dashboard("no-virtualbox", prepare=lambda w: w.write("vagrant-version.hang", ""))
    tui.wait_for("vagrant: exit 1: Vagrant could not detect VirtualBox!")
    tui.keys("u")
    pressed = time.time()
    tui.wait_for("devtui doctor is still checking this machine")
    assert not any(c[:2] == ["vagrant", "up"] for c in world.calls())
    tui.wait_for("Provision anyway? [y/N]", timeout=10)
    assert time.time() - pressed < 3.0 + 0.5  # README: a u before doctor's first answer waits at most 3 s
    tui.keys("n")
    tui.wait_for("provisioning cancelled")
    time.sleep(0.3)
    assert not world.called("vagrant", "up")


def test_doctor_folds_the_vm_line_into_the_virtualbox_line(tmp_path):
    world = World(tmp_path, "no-virtualbox")
    proc = subprocess.run([DEVTUI, "doctor", "--project-dir", str(world.project)], env=world.env,
                          capture_output=True, text=True, timeout=20)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    fails = [l for l in lines if l.startswith("✗")]
    assert fails[0] == "✗ VirtualBox: VBoxManage not found on PATH (so `vagrant status` fails too)", proc.stdout
    assert not any(l.startswith("✗ VM") for l in lines), proc.stdout
    assert ["vagrant", "status", "--machine-readable"] in world.calls()
    doc = json.loads(subprocess.run([DEVTUI, "doctor", "--json", "--project-dir", str(world.project)], env=world.env,
                                    capture_output=True, text=True, timeout=20).stdout)
    assert "vm" not in [c["id"] for c in doc["checks"]]
    assert sum(1 for c in doc["checks"] if c["status"] == "fail") == len(fails)


def test_status_names_the_command_not_a_key(tmp_path, refused_url):
    world = World(tmp_path, "no-virtualbox")
    proc = subprocess.run([DEVTUI, "status", "--project-dir", str(world.project), "--app-url", refused_url],
                          env=world.env, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1
    assert "press u" not in proc.stdout
    assert "Pods    no kubeconfig yet (.devenv/kubeconfig): run `vagrant up`" in proc.stdout
    assert "VM      vagrant: exit 1: Vagrant could not detect VirtualBox!" in proc.stdout
    doc = json.loads(subprocess.run([DEVTUI, "status", "--json", "--project-dir", str(world.project), "--app-url", refused_url],
                                    env=world.env, capture_output=True, text=True, timeout=30).stdout)
    assert "press u" not in json.dumps(doc)
    assert doc["snapshot"]["pods"]["errorKind"] == "noKubeconfig"


# A kubeconfig left by a destroyed VM (issue 21 item 8): named as such, never as the TLS error
# kubectl gives with it; devtui's own teardown removes it, but only after a destroy that worked.

STALE = ".devenv/kubeconfig belongs to a VM that no longer exists (destroyed): `vagrant up` writes a new one"


def write_kubeconfig(world):
    """The file, and (for scenarios without one) the answer doctor's `kubectl version` gets with it."""
    if not any((world.scenario / ("kubectl-version" + s)).exists() for s in ("", ".exit")):
        shutil.copy(os.path.join(ROOT, "Tests", "Fixtures", "doctor", "ready", "kubectl-version"), str(world.scenario / "kubectl-version"))
    path = world.project / ".devenv" / "kubeconfig"
    path.parent.mkdir(exist_ok=True)
    path.write_text("apiVersion: v1\nkind: Config\n")
    path.chmod(0o600)  # no permissions warning in the footer
    return path


def test_a_kubeconfig_left_by_a_destroyed_vm_is_named(dashboard, tmp_path, refused_url):
    world, tui = dashboard("destroyed", prepare=write_kubeconfig)
    screen = tui.wait_for("! .devenv/kubeconfig belongs to a VM that no longer")
    # Give the kubectl calls (which fail with x509) time to land: the reason shown stays ours.
    tui.wait_until(lambda: world.called("get", "pvc", "mysql-data", "-o", "json"), what="the claim asked")
    time.sleep(0.5)
    screen = tui.screen()
    assert "x509" not in screen and "TLS" not in screen, screen
    assert "press u to provision (first run 10-30 min)" in screen

    out = subprocess.run([DEVTUI, "status", "--project-dir", str(world.project), "--app-url", refused_url],
                         env=world.env, capture_output=True, text=True, timeout=30)
    assert out.returncode == 1
    assert "Pods    " + STALE in out.stdout
    assert "x509" not in out.stdout and "press u" not in out.stdout
    doc = json.loads(subprocess.run([DEVTUI, "status", "--json", "--project-dir", str(world.project), "--app-url", refused_url],
                                    env=world.env, capture_output=True, text=True, timeout=30).stdout)
    assert doc["snapshot"]["staleKubeconfig"] == STALE
    assert "pods: " + STALE in doc["problems"]
    # Without the file there is nothing stale: kubectl's own error is the news.
    (world.project / ".devenv" / "kubeconfig").unlink()
    doc = json.loads(subprocess.run([DEVTUI, "status", "--json", "--project-dir", str(world.project), "--app-url", refused_url],
                                    env=world.env, capture_output=True, text=True, timeout=30).stdout)
    assert "staleKubeconfig" not in doc["snapshot"]


def test_teardown_removes_the_kubeconfig_after_a_successful_destroy(dashboard):
    world, tui = dashboard("healthy", prepare=write_kubeconfig)
    kubeconfig = world.project / ".devenv" / "kubeconfig"
    tui.wait_for("app-7d9f8c6b5-x2kq9")
    tui.keys("t")
    tui.wait_for("[y/N]")
    tui.keys("y")
    tui.wait_for("✓ VM destroyed", timeout=15)
    tui.wait_for("removed .devenv/kubeconfig (it belonged to the destroyed VM)")
    assert not kubeconfig.exists()
    assert world.called("vagrant", "destroy", "-f")


def test_a_failed_destroy_keeps_the_kubeconfig(dashboard):
    def prepare(world):
        write_kubeconfig(world)
        world.write("vagrant-destroy.exit", "1")
    world, tui = dashboard("healthy", prepare=prepare)
    tui.wait_for("app-7d9f8c6b5-x2kq9")
    tui.keys("t")
    tui.wait_for("[y/N]")
    tui.keys("y")
    tui.wait_for("tearing down (vagrant destroy) failed", timeout=15)
    assert (world.project / ".devenv" / "kubeconfig").exists()
    assert "removed .devenv/kubeconfig" not in tui.screen()


# What doctor knows about VirtualBox 7.2's NAT (issue 21 item 1), through the real binary with a
# fixture host whose resolv.conf is systemd-resolved's stub.

def doctor_world(tmp_path, host, vbox):
    world = World(tmp_path, os.path.join("..", "doctor", "ready"), path_tools=("VBoxManage", "vagrant", "kubectl"))
    world.write("vboxmanage-version", vbox)
    world.write("vagrant-version", "Vagrant 2.4.9\n")
    (world.project / "settings.env").write_text("API_HOST_PORT=1\nAPP_HOST_PORT=2\n")
    world.env.update({
        "DEVTUI_PROC_ROOT": os.path.join(ROOT, "Tests", "Fixtures", "doctor", "hosts", host, "proc"),
        "DEVTUI_VBOX_NETWORKS_CONF": str(tmp_path / "none.conf"),
        "VAGRANT_HOME": str(tmp_path / "vagrant.d"),
        # Python stand-ins on a loaded machine can take longer than the product's 1.5-2 s.
        "DEVTUI_DOCTOR_TIMEOUT_SCALE": "10",
    })
    return world


def run_doctor(world, *args):
    return subprocess.run([DEVTUI, "doctor", "--project-dir", str(world.project)] + list(args), env=world.env,
                          capture_output=True, text=True, timeout=20)


def test_doctor_names_virtualbox_7_2_nat_regressions_with_their_fix(tmp_path):
    # Version lines as VBoxManage prints them (revisions as reported in VirtualBox/virtualbox#136, #447).
    world = doctor_world(tmp_path, "resolved-7.2", "7.2.0r170228\n")
    out = run_doctor(world).stdout
    assert "! VirtualBox 7.2.0: NAT can stop working when a VM forwards several ports, and this one forwards three (VirtualBox/virtualbox#232, fixed in 7.2.4)" in out
    assert "    fix: install VirtualBox 7.2.4 or later (virtualbox.org/wiki/Downloads)" in out
    assert ("! VirtualBox 7.2.0: NAT resets some TCP connections, so downloads in the VM fail at random with "
            "`Connection reset by peer` (VirtualBox/virtualbox#621, reported fixed in 7.2.8)") in out
    assert "    fix: install VirtualBox 7.2.8 or later (virtualbox.org/wiki/Downloads)" in out
    assert "! VirtualBox 7.2.0 hands the VM this host's nameserver 127.0.0.53 (/etc/resolv.conf)" in out
    assert "    fix: use VirtualBox 7.1, which gives the VM its own DNS server at 10.0.2.3" in out
    # A fixed release keeps only what is still open; another host's resolver says nothing.
    world.write("vboxmanage-version", "7.2.8r173730\n")
    doc = json.loads(run_doctor(world, "--json").stdout)
    assert [c["id"] for c in doc["checks"] if c["id"].startswith("virtualbox-nat")] == ["virtualbox-nat-dns"]
    plain = doctor_world(tmp_path / "plain", "plain-6.8", "7.2.0r170228\n")
    doc = json.loads(run_doctor(plain, "--json").stdout)
    assert [c["id"] for c in doc["checks"] if c["id"].startswith("virtualbox-nat")] == ["virtualbox-nat-ports",
                                                                                        "virtualbox-nat-tcp"]


# The proxy the VM gets (issue 21 item 3): reported by doctor as provisioning reads it (settings.env
# first, then the host's, either case), refused where provisioning refuses it, passwords masked.

def proxy_line(out):
    return next(l for l in out.splitlines() if l[2:].startswith(("proxy for the VM", "proxy:")))


def test_doctor_reports_the_proxy_and_never_its_password(tmp_path):
    world = doctor_world(tmp_path, "plain-6.8", "7.1.4_Ubuntur165100\n")
    world.env.update({"https_proxy": "http://alice:s3cret@proxy.corp:3128", "HTTP_PROXY": "http://proxy.corp:3128",
                      "NO_PROXY": ".corp"})
    out = run_doctor(world)
    assert proxy_line(out.stdout) == (
        "✓ proxy for the VM: HTTP_PROXY=http://proxy.corp:3128 (HTTP_PROXY); HTTPS_PROXY=http://***@proxy.corp:3128 "
        "(https_proxy); NO_PROXY=.corp (NO_PROXY) after 127.0.0.1, localhost, 192.168.56.10, k3s's pod and service "
        "ranges, .svc, .cluster.local")
    text = run_doctor(world, "--json").stdout
    assert "s3cret" not in out.stdout + out.stderr + text and "alice" not in out.stdout + text
    assert any(c["id"] == "proxy" and c["status"] == "ok" for c in json.loads(text)["checks"])
    # Both cases set on the host, to different values: a note, still masked.
    world.env["HTTPS_PROXY"] = "http://bob:hunter2@other.corp:8080"
    out = run_doctor(world).stdout
    assert proxy_line(out).startswith("! ") and proxy_line(out).endswith("(https_proxy/HTTPS_PROXY differ on this host: the lowercase one is used)")
    assert "hunter2" not in out and "s3cret" not in out
    # settings.env wins over the host.
    with open(str(world.project / "settings.env"), "a") as f:
        f.write("HTTPS_PROXY=http://carol:pw1@squid.corp:3128\n")
    out = run_doctor(world).stdout
    assert "HTTPS_PROXY=http://***@squid.corp:3128 (settings.env)" in proxy_line(out) and "pw1" not in out
    # No proxy anywhere: no line.
    (world.project / "settings.env").write_text("API_HOST_PORT=1\nAPP_HOST_PORT=2\n")
    for name in ("https_proxy", "HTTP_PROXY", "NO_PROXY", "HTTPS_PROXY"):
        del world.env[name]
    assert "proxy for the VM" not in run_doctor(world).stdout


def test_a_proxy_on_the_hosts_loopback_stops_vagrant_up_before_it_starts(tmp_path):
    world = doctor_world(tmp_path, "plain-6.8", "7.1.4_Ubuntur165100\n")
    world.env["http_proxy"] = "http://me:pw@127.0.0.1:3128"
    out = run_doctor(world)
    assert out.returncode == 1
    assert proxy_line(out.stdout) == ("✗ proxy: HTTP_PROXY from this host's http_proxy, http://***@127.0.0.1:3128, is this "
                                      "machine's own loopback, which the VM cannot reach: provisioning stops")
    assert ("    fix: make the proxy listen on 192.168.56.1 (this host's side of the private network) and set "
            "HTTP_PROXY=http://192.168.56.1:PORT in settings.env") in out.stdout
    assert "pw" not in proxy_line(out.stdout)


# Step times (issue 21 item 9): .devenv/provision-times.json, as provisioning writes it, beside `u`
# ("first provisioning took 8m13s") and beside each provisioner's step ("usually 2m10s").

TIMES = os.path.join(ROOT, "Tests", "Fixtures", "provision-times")


def test_provision_times_beside_u_and_each_step(dashboard):
    def prepare(world):
        shutil.copy(os.path.join(ROOT, "Vagrantfile"), str(world.project / "Vagrantfile"))
        (world.project / ".devenv").mkdir()
        shutil.copy(os.path.join(TIMES, "first-boot.json"), str(world.project / ".devenv" / "provision-times.json"))
        shutil.copy(os.path.join(ROOT, "Tests", "Fixtures", "transcripts", "first-up.txt"), str(world.scenario / "vagrant-up"))
        world.write("vagrant-up.delay", "0.1")
    world, tui = dashboard("not-created", prepare=prepare)
    tui.wait_for("press u to provision (first provisioning took 8m13s)")
    tui.keys("u")
    tui.wait_for("Provision anyway? [y/N]")  # no VirtualBox in this world
    tui.keys("y")
    tui.wait_for("step 4/8: provisioner docker (usually 2m10s)", timeout=30)
    # The run writes a new file at its end; devtui reads it when the run is over.
    times = (world.project / ".devenv" / "provision-times.json")
    times.write_text(times.read_text().replace('"seconds": 493', '"seconds": 600'))
    tui.wait_for("step 6/8: provisioner app (usually 4m17s)", timeout=30)  # image 3m05s + rollout 1m12s
    tui.wait_for("✓ provisioned", timeout=30)
    tui.wait_for("(first provisioning took 10m00s)")
