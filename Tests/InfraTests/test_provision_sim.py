"""Provisioning simulated end to end: provision/*.sh run in the Vagrantfile's order against stand-in
system commands (provision_standin.py) in a temporary root, with a PATH that holds the stand-ins and
only harmless real tools (an unexpected command is "not found", never this machine's own).

This proves the scripts' decisions and order; it does not prove that the real apt, k3s or cluster
behave like the stand-ins."""
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time

import pytest
import yaml

from conftest import ROOT, calls_at, probe_vagrantfile, settings

STANDIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "provision_standin.py")
SIMULATED = ["apt-get", "apt-mark", "apt-key", "dpkg-query", "usermod", "systemctl", "curl", "k3s-install",
             "k3s", "docker", "kubectl", "ip", "getent", "date", "sleep"]
# Real tools the scripts may use; nothing that changes this machine.
HARMLESS = ["bash", "sh", "env", "cat", "sha256sum", "cut", "mkdir", "mv", "chmod", "sed", "awk", "seq",
            "touch", "dirname", "basename", "grep", "rm", "tr", "head", "tail", "sort", "wc", "cp", "ls", "printf",
            "tee"]


HOST_PROXY_NAMES = ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY")


def vagrant_provisioners(host=None):
    """The provisioners as the Vagrantfile declares them on a host with the environment HOST (only
    those proxy variables; none of this machine's own): [(path, run, env)]."""
    host_env = dict.fromkeys(HOST_PROXY_NAMES, "")
    host_env.update(host or {})
    rc, config, err = probe_vagrantfile(**host_env)
    assert rc == 0, err
    node = "config.vm.define(%s)" % settings()["VM_NAME"]
    return [(p["opts"]["path"], p["opts"].get("run"), p["opts"].get("env", {}))
            for p in calls_at(config, node + ".vm.provision")]





class VM(object):
    """A temporary root, the shared folder (a copy of the repo's app/, manifests/, settings.env) and
    the stand-ins' state. Scripts run from the repo itself, so a change to them is what is tested."""

    def __init__(self, tmp_path, like=None):
        """A new VM, or (like=another VM) a copy of that one's disk and cluster state."""
        self.tmp = tmp_path
        self.root = tmp_path / "root"
        self.shared = tmp_path / "vagrant"
        if like is not None:
            shutil.copytree(str(like.root), str(self.root), symlinks=True)
            shutil.copytree(str(like.shared), str(self.shared), symlinks=True)
        else:
            self.root.mkdir()
            (self.root / "etc").mkdir()
            # What VirtualBox's NAT hands a VM by DHCP on 6.1-7.1: its own DNS at 10.0.2.3.
            (self.root / "etc" / "resolv.conf").write_text("nameserver 10.0.2.3\nsearch example.test\n")
            (self.root / "proc").mkdir()
            self.boot_at(BOOT)
            self.shared.mkdir()
            shutil.copytree(os.path.join(ROOT, "app"), str(self.shared / "app"))
            shutil.copytree(os.path.join(ROOT, "manifests"), str(self.shared / "manifests"))
            shutil.copy(os.path.join(ROOT, "settings.env"), str(self.shared / "settings.env"))
        self.bin = tmp_path / "bin"
        self.bin.mkdir()
        for name in SIMULATED:
            wrapper = self.bin / name
            if name == "sleep":  # waits are counted from the log and move the clock, not waited
                wrapper.write_text('#!/bin/sh\nprintf \'{"cmd": "sleep", "argv": ["%s"]}\\n\' "$1" >>"$STANDIN_LOG"\n'
                                   'printf \'%s\\n\' "$1" >>"$STANDIN_CLOCK"\n')
            else:
                wrapper.write_text('#!/bin/sh\nexec "%s" "%s" %s "$@"\n' % (sys.executable, STANDIN, name))
            wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
        for name in HARMLESS:
            real = shutil.which(name)
            if real:
                os.symlink(real, str(self.bin / name))
        self.real_kubectl = shutil.which("kubectl")
        assert self.real_kubectl, "kubectl (for kustomize) is needed on PATH"
        self.log = tmp_path / "calls.jsonl"
        self.log.write_text("")
        self.clock = tmp_path / "clock"
        if like is not None:
            shutil.copy(str(like.clock), str(self.clock))
        else:
            self.clock.write_text("")
        self.state_path = tmp_path / "state.json"
        s = settings()
        self.settings = s
        if like is not None:
            self.write_state(like.state())
        else:
            self.write_state({"packages": {}, "held": [], "services": {}, "k3s_version": None,
                              "k3s_running_version": None, "images": {},
                              "cluster": {}, "faults": {}, "vm_ip": s["VM_IP"],
                              "app_pods": [{"name": "app-1", "running": True, "sees_code": True}],
                              "app_pods_ever": ["app-1"], "failed_mounts": [], "clock_base": BOOT + 60,
                              "namespace": s["NAMESPACE"]})

    def state(self):
        return json.loads(self.state_path.read_text())

    def write_state(self, state):
        self.state_path.write_text(json.dumps(state))

    def fault(self, **faults):
        state = self.state()
        state["faults"].update(faults)
        self.write_state(state)

    def env(self):
        return {"PATH": str(self.bin), "DEVENV_ROOT": str(self.root), "DEVENV_SHARED_DIR": str(self.shared),
                "STANDIN_STATE": str(self.state_path), "STANDIN_LOG": str(self.log), "STANDIN_CLOCK": str(self.clock),
                "REAL_KUBECTL": self.real_kubectl, "HOME": str(self.tmp), "LANG": "C"}

    def run(self, script, step_env=None):
        bash = shutil.which("bash")
        return subprocess.run([bash, os.path.join(ROOT, script)], env=dict(self.env(), **(step_env or {})),
                              capture_output=True, text=True, timeout=120)

    def provision(self, only_always=False, host=None):
        """Like `vagrant provision` (or `vagrant up`, only_always) on a host whose environment has the
        proxy variables HOST: the provisioners in order, each with the env the Vagrantfile gives it,
        stopping at the first that fails. Returns the last result and the calls made."""
        mark = len(self.entries())
        result = subprocess.CompletedProcess([], 0, "", "")
        # The Vagrantfile is read again for each command: a new run id, the host's proxy now.
        for path, run, step_env in vagrant_provisioners(host):
            if only_always and run != "always":
                continue
            step = self.run(path, step_env)
            result = subprocess.CompletedProcess(step.args, step.returncode, result.stdout + step.stdout,
                                                 result.stderr + step.stderr)
            if step.returncode != 0:
                break
        return result, self.entries()[mark:]

    def entries(self):
        return [json.loads(l) for l in self.log.read_text().splitlines() if l]

    def boot_at(self, epoch):
        (self.root / "proc" / "stat").write_text("cpu  4705 150 1120 16250 520 0 5 0 0 0\nbtime %d\n"
                                                 "processes 4120\n" % epoch)

    def reboot(self, mount_first=False, polls_to_start=3):
        """A halt and up, an hour after the first boot: services enabled come back, and the app pod
        starts before the shared folder is mounted (a FailedMount event just after boot, and the
        kubelet's next try is far off), or after it (running after POLLS_TO_START looks)."""
        self.boot_at(BOOT + 3600)
        state = self.state()
        pod = state["app_pods"][0]
        pod.update(running=False, sees_code=True, start_after_polls=polls_to_start if mount_first else 0)
        if not mount_first:
            state["failed_mounts"].append({"pod": pod["name"], "lastTimestamp": iso(BOOT + 3600 + 20)})
        state["faults"]["api_down_polls"] = 3
        self.write_state(state)


BOOT = 1800000000  # the VM's first boot (2027-01-15T08:00:00Z)


def iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def cmds(entries):
    return [e for e in entries if "cmd" in e]


def line(entry):
    return " ".join([entry["cmd"]] + entry["argv"])


def index(entries, predicate, what):
    for i, e in enumerate(entries):
        if "cmd" in e and predicate(e):
            return i
    raise AssertionError("no call %s in:\n%s" % (what, "\n".join(line(e) for e in cmds(entries))))


def find_calls(entries, pattern):
    return [line(e) for e in cmds(entries) if re.search(pattern, line(e))]


CHANGES = r"^(apt-get (update|install)|apt-mark hold|apt-key|curl|k3s-install|usermod|systemctl (start|restart|" \
          r"enable|daemon-reload|stop)|docker build|kubectl .*(rollout restart|delete))\b"


def assert_one_error_line(result, step, command_hint):
    errors = [l for l in result.stderr.splitlines() if "ERROR" in l]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith("==> devenv: ERROR: step %s: " % step), errors[0]
    assert "run `" in errors[0] and command_hint in errors[0], errors[0]
    assert result.returncode != 0


@pytest.fixture
def vm(tmp_path):
    return VM(tmp_path)


@pytest.fixture(scope="module")
def provisioned_once(tmp_path_factory):
    vm = VM(tmp_path_factory.mktemp("provisioned"))
    result, _ = vm.provision()
    assert result.returncode == 0, result.stdout + result.stderr
    return vm


@pytest.fixture
def provisioned(provisioned_once, tmp_path):
    """A VM after one successful `vagrant up` (a copy: each test changes its own)."""
    return VM(tmp_path, like=provisioned_once)


def test_first_run_order_and_waits(vm):
    result, entries = vm.provision()
    assert result.returncode == 0, result.stdout + result.stderr
    s = vm.settings

    docker_install = index(entries, lambda e: e["cmd"] == "apt-get" and "install" in e["argv"]
                           and "docker-ce=%s" % s["DOCKER_VERSION"] in e["argv"], "installing docker-ce")
    k3s_install = index(entries, lambda e: e["cmd"] == "k3s-install", "running the k3s install script")
    assert docker_install < k3s_install

    # Docker came up with log rotation already in place: no restart needed.
    (installed,) = [e for e in entries if e.get("event") == "docker installed"]
    assert installed["daemon_json"] is True
    assert find_calls(entries, r"^systemctl restart docker") == []
    daemon = json.loads((vm.root / "etc/docker/daemon.json").read_text())
    assert daemon["log-opts"] == {"max-size": "10m", "max-file": "3"}

    # k3s found its config (with its own iptables) and the after-Docker drop-in when it first started.
    (k3s_event,) = [e for e in entries if e.get("event") == "k3s install script"]
    assert k3s_event["version"] == s["K3S_VERSION"]
    assert k3s_event["config"]["prefer-bundled-bin"] is True
    assert k3s_event["config"]["node-ip"] == s["VM_IP"] and k3s_event["config"]["flannel-iface"] == "enp0s8"
    assert k3s_event["dropin"] is True and k3s_event["docker_active"] is True
    curl_k3s = find_calls(entries, r"^curl .*/k3s-io/k3s/")
    assert len(curl_k3s) == 1 and "/%s/install.sh" % s["K3S_VERSION"].replace("+", "%2B") in curl_k3s[0]
    # install.sh only installs; k3s is started without blocking, and its start waited for (bounded).
    assert k3s_event["skip_start"] == "true"
    start = index(entries, lambda e: line(e) == "systemctl --no-block restart k3s", "k3s start")
    assert k3s_install < start < index(entries, lambda e: line(e) == "systemctl is-active k3s", "start wait")
    assert [e for e in entries if e.get("event") == "blocked for ever"] == []

    # The node wait comes after the start; the kubeconfig for the host after the node is Ready.
    node_wait = index(entries, lambda e: e["cmd"] == "kubectl" and e["argv"][:2] == ["get", "nodes"], "node wait")
    assert node_wait > start
    kubeconfig = yaml.safe_load((vm.shared / ".devenv" / "kubeconfig").read_text())
    assert kubeconfig["clusters"][0]["cluster"]["server"] == "https://127.0.0.1:%s" % s["API_HOST_PORT"]
    assert kubeconfig["current-context"] == "devenv"

    build = index(entries, lambda e: e["cmd"] == "docker" and e["argv"][0] == "build", "docker build")
    apply = index(entries, lambda e: e["cmd"] == "kubectl" and e["argv"][:2] == ["apply", "-k"], "kubectl apply")
    assert node_wait < build < apply
    mysql_wait = index(entries, lambda e: e["cmd"] == "kubectl" and "statefulset/mysql" in e["argv"]
                       and "status" in e["argv"], "mysql rollout wait")
    app_wait = index(entries, lambda e: e["cmd"] == "kubectl" and "deployment/app" in e["argv"]
                     and "status" in e["argv"], "app rollout wait")
    assert apply < mysql_wait < app_wait
    # The apply created the Deployment on the new image: no restart on top of it.
    assert find_calls(entries, r"rollout restart") == []
    assert "ready: http://127.0.0.1:%s/" % s["APP_HOST_PORT"] in result.stdout
    assert vm.state()["held"] == ["containerd.io", "docker-ce", "docker-ce-cli"]
    apt_installs = find_calls(entries, r"^apt-get .*install")
    assert apt_installs and all("--no-install-recommends" in c for c in apt_installs), apt_installs


def test_second_run_installs_restarts_and_rebuilds_nothing(provisioned):
    # k3s --version prints more than a pipe holds: a `| grep -q` check would die of SIGPIPE here.
    provisioned.fault(version_padding_lines=4000)
    result, entries = provisioned.provision()
    assert result.returncode == 0, result.stdout + result.stderr
    assert find_calls(entries, CHANGES) == []
    assert "k3s %s already installed" % provisioned.settings["K3S_VERSION"] in result.stdout
    assert provisioned.state()["images"] == {"devenv-app:dev": 1}


def test_changed_requirements_rebuild_once_and_restart_once(provisioned):
    reqs = provisioned.shared / "app" / "requirements.txt"
    reqs.write_text(reqs.read_text() + "# a comment changes the image inputs\n")
    result, entries = provisioned.provision()
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(find_calls(entries, r"^docker build")) == 1
    assert find_calls(entries, r"rollout restart") == ["kubectl -n %s rollout restart deployment/app"
                                                       % provisioned.settings["NAMESPACE"]]
    build = index(entries, lambda e: e["cmd"] == "docker" and e["argv"][0] == "build", "build")
    restart = index(entries, lambda e: "restart" in e["argv"] and e["cmd"] == "kubectl", "restart")
    apply = index(entries, lambda e: e["cmd"] == "kubectl" and e["argv"][:2] == ["apply", "-k"], "apply")
    assert build < apply < restart
    assert find_calls(entries, r"^(apt-get (update|install)|k3s-install|systemctl restart)") == []


def test_code_edit_needs_no_build_and_no_restart(provisioned):
    code = provisioned.shared / "app" / "application.py"
    code.write_text(code.read_text() + "\n# edited\n")
    result, entries = provisioned.provision()
    assert result.returncode == 0, result.stderr
    assert find_calls(entries, r"^docker build|rollout restart") == []


def test_changed_docker_log_settings_restart_docker_once(provisioned):
    daemon = provisioned.root / "etc/docker/daemon.json"
    daemon.write_text('{"log-driver": "json-file"}\n')
    result, entries = provisioned.provision()
    assert result.returncode == 0, result.stderr
    assert find_calls(entries, r"^systemctl restart") == ["systemctl restart docker"]
    assert json.loads(daemon.read_text())["log-opts"]["max-file"] == "3"


def test_vm_provisioned_by_older_scripts_gets_the_new_k3s_setup_with_one_restart(provisioned):
    config = provisioned.root / "etc/rancher/k3s/config.yaml"
    config.write_text(config.read_text().replace("prefer-bundled-bin: true\n", ""))
    (provisioned.root / "etc/systemd/system/k3s.service.d/10-after-docker.conf").unlink()
    result, entries = provisioned.provision()
    assert result.returncode == 0, result.stderr
    assert find_calls(entries, r"^systemctl (--no-block )?(daemon-reload|restart)") == [
        "systemctl daemon-reload", "systemctl --no-block restart k3s"]
    assert "prefer-bundled-bin: true" in config.read_text()
    assert find_calls(entries, r"^(k3s-install|curl)") == []


def test_vagrant_up_of_a_running_vm_waits_for_the_api_and_leaves_a_healthy_app(provisioned):
    provisioned.fault(api_down_polls=3)
    result, entries = provisioned.provision(only_always=True)
    assert result.returncode == 0, result.stderr
    assert [e["argv"][0] for e in cmds(entries) if e["cmd"] in ("docker", "apt-get", "k3s-install")] == []
    readyz = find_calls(entries, r"^kubectl get --raw /readyz")
    assert len(readyz) == 4, readyz  # three refused, then up
    assert len(find_calls(entries, r"^sleep")) == 3
    assert find_calls(entries, r"rollout restart") == []
    assert "app pod sees the code" in result.stdout


def test_vagrant_up_after_a_halt_restarts_an_app_stuck_on_the_mount(provisioned):
    provisioned.reboot()
    result, entries = provisioned.provision(only_always=True)
    assert result.returncode == 0, result.stderr
    restart = index(entries, lambda e: e["cmd"] == "kubectl" and "restart" in e["argv"], "restart")
    waited = index(entries, lambda e: e["cmd"] == "kubectl" and "status" in e["argv"]
                   and "deployment/app" in e["argv"], "rollout wait")
    assert restart < waited
    assert len(find_calls(entries, r"rollout restart")) == 1
    assert "failed to mount its volumes since this boot (FailedMount)" in result.stdout
    # Seen at the first look, not after waiting out the kubelet.
    assert len(find_calls(entries, r"get pods -l app.kubernetes.io/name=app")) == 1
    assert (provisioned.shared / ".devenv" / "kubeconfig").exists()


def test_a_boot_where_the_mount_came_first_restarts_nothing(provisioned):
    """The pod is still starting right after /readyz, with no FailedMount: it is waited for."""
    provisioned.reboot(mount_first=True, polls_to_start=4)
    result, entries = provisioned.provision(only_always=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert find_calls(entries, r"rollout restart") == []
    assert len(find_calls(entries, r"get pods -l app.kubernetes.io/name=app")) == 4
    assert find_calls(entries, r" exec ") == ["kubectl -n devenv exec app-1 -c app -- test -f /app/application.py"]
    assert "app pod sees the code" in result.stdout


def test_a_failed_mount_from_an_earlier_boot_is_no_reason_to_restart(provisioned):
    state = provisioned.state()
    # The first boot's FailedMount, which the kubelet's retry then solved for this same pod.
    state["failed_mounts"] = [{"pod": "app-1", "lastTimestamp": iso(BOOT + 15)}]
    provisioned.write_state(state)
    provisioned.reboot(mount_first=True)
    state = provisioned.state()
    assert [e["lastTimestamp"] for e in state["failed_mounts"]] == [iso(BOOT + 15)]
    result, entries = provisioned.provision(only_always=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert find_calls(entries, r"rollout restart") == []


def test_an_exec_that_fails_on_its_own_is_tried_again_not_taken_for_a_stuck_pod(provisioned):
    provisioned.fault(exec_errors=2)
    result, entries = provisioned.provision(only_always=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert find_calls(entries, r"rollout restart") == []
    assert len(find_calls(entries, r" exec ")) == 3
    assert "app pod sees the code" in result.stdout


def test_a_running_app_container_without_the_code_is_restarted(provisioned):
    state = provisioned.state()
    state["app_pods"][0]["sees_code"] = False  # /vagrant/app was an empty folder when it started
    provisioned.write_state(state)
    result, entries = provisioned.provision(only_always=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "app pod runs without the code in /app" in result.stdout
    assert len(find_calls(entries, r"rollout restart deployment/app")) == 1
    assert provisioned.state()["app_pods"][0]["sees_code"] is True


def test_an_app_pod_that_never_starts_and_is_not_stuck_is_left_to_its_rollout(provisioned):
    state = provisioned.state()
    state["app_pods"][0].update(running=False, start_after_polls=10 ** 6)
    state["faults"]["rollout_timeout"] = ["app"]
    provisioned.write_state(state)
    result, entries = provisioned.provision(only_always=True)
    assert_one_error_line(result, "on-boot", "kubectl -n devenv describe pod -l app.kubernetes.io/name=app")
    assert find_calls(entries, r"rollout restart") == []
    assert len(find_calls(entries, r"get pods -l app.kubernetes.io/name=app -o jsonpath")) == 60


def test_upgrade_migrates_the_statefulset_to_the_headless_service_keeping_pod_and_data(provisioned):
    # A VM provisioned before the headless Service: the StatefulSet is governed by `mysql`.
    state = provisioned.state()
    state["cluster"]["StatefulSet/mysql"]["spec"]["serviceName"] = "mysql"
    del state["cluster"]["Service/mysql-headless"]
    provisioned.write_state(state)
    result, entries = provisioned.provision()
    assert result.returncode == 0, result.stdout + result.stderr
    delete = index(entries, lambda e: e["cmd"] == "kubectl" and e["argv"][2:4] == ["delete", "statefulset"], "delete")
    apply = index(entries, lambda e: e["cmd"] == "kubectl" and e["argv"][:2] == ["apply", "-k"], "apply")
    assert delete < apply
    assert "--cascade=orphan" in cmds(entries)[[i for i, e in enumerate(cmds(entries))
                                                if "delete" in e["argv"]][0]]["argv"]
    after = provisioned.state()
    assert after["cluster"]["StatefulSet/mysql"]["spec"]["serviceName"] == "mysql-headless"
    assert after["cluster"]["Service/mysql-headless"]["spec"]["clusterIP"] == "None"
    assert "orphaned_pod_deleted" not in after
    assert "PersistentVolumeClaim/mysql-data" in after["cluster"]
    # Once migrated, the next run leaves it alone.
    _, again = provisioned.provision()
    assert find_calls(again, r"delete") == []


def test_apt_lock_briefly_held_is_waited_for(vm):
    vm.fault(apt_lock_calls=2)
    result, entries = vm.provision()
    assert result.returncode == 0, result.stderr
    assert "waiting for another apt/dpkg to release the package lock" in result.stdout
    assert len(find_calls(entries, r"^sleep 5$")) >= 2


def test_apt_mark_waits_for_the_lock_too(provisioned):
    state = provisioned.state()
    state["held"] = []
    state["faults"]["apt_lock_calls"] = 2
    provisioned.write_state(state)
    result, entries = provisioned.provision()
    assert result.returncode == 0, result.stderr
    assert provisioned.state()["held"] == ["containerd.io", "docker-ce", "docker-ce-cli"]
    assert len(find_calls(entries, r"^apt-mark hold")) == 3 and len(find_calls(entries, r"^sleep 5$")) == 2


def test_failure_apt_lock_held_past_the_limit(vm):
    vm.fault(apt_lock_calls=10 ** 6)
    result, entries = vm.provision()
    assert_one_error_line(result, "docker", "vagrant provision")
    assert "held the package lock for 300s" in result.stderr
    assert len(find_calls(entries, r"^sleep 5$")) == 60
    assert find_calls(entries, r"^(curl|k3s-install|docker build|kubectl apply)") == []


def test_dns_is_checked_before_each_step_downloads_and_a_slow_network_is_retried(vm):
    vm.fault(dns_fail_calls=2)
    result, entries = vm.provision()
    assert result.returncode == 0, result.stdout + result.stderr
    lookups = find_calls(entries, r"^getent ")
    assert lookups == ["getent hosts download.docker.com"] * 3 + ["getent hosts github.com",
                                                                  "getent hosts registry-1.docker.io"]
    first_lookup = index(entries, lambda e: e["cmd"] == "getent", "DNS check")
    assert first_lookup < index(entries, lambda e: e["cmd"] in ("apt-get", "curl"), "first download")
    k3s_lookup = index(entries, lambda e: line(e) == "getent hosts github.com", "k3s DNS check")
    assert k3s_lookup < index(entries, lambda e: e["cmd"] == "curl" and "github" in line(e), "k3s download")
    build_lookup = index(entries, lambda e: line(e) == "getent hosts registry-1.docker.io", "build DNS check")
    assert build_lookup < index(entries, lambda e: e["cmd"] == "docker" and e["argv"][0] == "build", "build")


def test_a_provisioned_vm_provisions_again_without_dns(provisioned):
    """Nothing to download: no DNS needed, so `vagrant provision` works offline."""
    provisioned.fault(dns_broken=True)
    result, entries = provisioned.provision()
    assert result.returncode == 0, result.stdout + result.stderr
    assert find_calls(entries, r"^getent ") == []


def test_failure_virtualbox_7_2_hands_the_vm_the_hosts_systemd_resolved(vm):
    (vm.root / "etc" / "resolv.conf").write_text("nameserver 127.0.0.53\n")
    vm.fault(dns_broken=True)
    result, entries = vm.provision()
    assert_one_error_line(result, "docker", "vagrant destroy -f")
    error = [l for l in result.stderr.splitlines() if "ERROR" in l][0]
    assert "cannot resolve download.docker.com: its DNS server is 127.0.0.53" in error
    assert "VirtualBox/virtualbox#205" in error and "use VirtualBox 7.1" in error
    assert find_calls(entries, r"^(apt-get|curl|k3s-install)") == []
    assert len(find_calls(entries, r"^getent ")) == 3


def test_failure_no_dns_for_another_reason_names_the_servers(vm):
    vm.fault(dns_broken=True)
    result, entries = vm.provision()
    assert_one_error_line(result, "docker", "vagrant provision")
    assert "cannot resolve download.docker.com (its DNS servers: 10.0.2.3): check the host's network" in result.stderr
    assert "#205" not in result.stderr
    assert find_calls(entries, r"^(apt-get|curl)") == []


def test_failure_download(vm):
    vm.fault(curl_fail=True)
    result, entries = vm.provision()
    assert_one_error_line(result, "docker", "curl -sSI https://download.docker.com")
    assert find_calls(entries, r"^(k3s-install|docker build)") == []


def test_failure_k3s_download(vm):
    # Docker is in (a first run stopped after it, say); then the k3s download fails.
    state = vm.state()
    state["packages"] = {"docker-ce": vm.settings["DOCKER_VERSION"]}
    state["held"] = ["containerd.io", "docker-ce", "docker-ce-cli"]
    state["services"] = {"docker": {"active": True, "enabled": True}}
    state["faults"]["curl_fail"] = True
    vm.write_state(state)
    result, entries = vm.provision()
    assert_one_error_line(result, "k3s", "vagrant provision")
    assert "downloading the k3s install script failed" in result.stderr
    assert find_calls(entries, r"^(k3s-install|docker build|kubectl apply)") == []


def test_failure_k3s_never_ready(vm):
    vm.fault(node_never_ready=True)
    result, entries = vm.provision()
    assert_one_error_line(result, "k3s", "journalctl -u k3s")
    assert "not Ready after 300s" in result.stderr
    assert len(find_calls(entries, r"^kubectl get nodes")) == 60
    assert find_calls(entries, r"^(docker build|kubectl apply)") == []


def test_k3s_start_is_waited_for_until_systemd_calls_it_active(vm):
    vm.fault(k3s_start_polls=3)
    result, entries = vm.provision()
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(find_calls(entries, r"^systemctl is-active k3s$")) == 3
    assert find_calls(entries, r"^systemctl is-active k3s$|^sleep 2$") == ["systemctl is-active k3s", "sleep 2"] * 2 + [
        "systemctl is-active k3s"]


def test_failure_k3s_runs_but_never_becomes_ready(vm):
    """Type=notify, TimeoutStartSec=0: a blocking start (install.sh's own) would never return."""
    vm.fault(k3s_never_ready=True)
    result, entries = vm.provision()
    assert_one_error_line(result, "k3s", "journalctl -u k3s")
    assert "k3s did not start within 300s (systemd says activating)" in result.stderr
    assert [e for e in entries if e.get("event") == "blocked for ever"] == []
    assert len(find_calls(entries, r"^systemctl is-active k3s$")) == 150
    assert len(find_calls(entries, r"^sleep 2$")) == 150
    assert find_calls(entries, r"^(kubectl get nodes|docker build|kubectl apply)") == []


def test_a_stopped_k3s_on_a_provisioned_vm_is_started(provisioned):
    state = provisioned.state()
    state["services"]["k3s"]["active"] = False  # a start that failed or was cut short last time
    provisioned.write_state(state)
    result, entries = provisioned.provision()
    assert result.returncode == 0, result.stdout + result.stderr
    assert find_calls(entries, r"^systemctl (--no-block )?(start|restart) k3s") == ["systemctl --no-block start k3s"]
    assert find_calls(entries, r"^(k3s-install|curl)") == []


def test_failure_rollout_times_out(vm):
    vm.fault(rollout_timeout=["app"])
    result, entries = vm.provision()
    assert_one_error_line(result, "app", "kubectl -n %s describe pod -l app.kubernetes.io/name=app"
                          % vm.settings["NAMESPACE"])
    assert "deployment/app was not ready within 300s" in result.stderr
    assert len(find_calls(entries, r"rollout status deployment/app --timeout=10s$")) == 30
    assert find_calls(entries, r"on-boot") == []


def test_failure_api_never_answers_on_boot(provisioned):
    provisioned.fault(api_never=True)
    result, entries = provisioned.provision(only_always=True)
    assert_one_error_line(result, "on-boot", "systemctl status k3s")
    assert len(find_calls(entries, r"^kubectl get --raw /readyz")) == 150


def test_failure_deployment_missing_on_a_provisioned_vm(provisioned):
    state = provisioned.state()
    del state["cluster"]["Deployment/app"]
    provisioned.write_state(state)
    result, _ = provisioned.provision(only_always=True)
    assert_one_error_line(result, "on-boot", "vagrant provision")
    assert "deployment/app is missing" in result.stderr


def test_every_setting_follows_settings_env(tmp_path):
    """Change the settings the scripts use: the run follows them, so none is written twice."""
    vm = VM(tmp_path)
    changed = {"VM_IP": "192.168.56.77", "API_HOST_PORT": "16443", "APP_HOST_PORT": "18080",
               "K3S_VERSION": "v1.34.9+k3s2", "DOCKER_VERSION": "5:20.10.6~3-0~ubuntu-xenial"}
    text = (vm.shared / "settings.env").read_text()
    for key, value in changed.items():
        text, n = re.subn(r"^%s=.*$" % key, "%s=%s" % (key, value), text, flags=re.M)
        assert n == 1, key
    (vm.shared / "settings.env").write_text(text)
    vm.write_state(dict(vm.state(), vm_ip=changed["VM_IP"]))
    result, entries = vm.provision()
    assert result.returncode == 0, result.stdout + result.stderr
    assert find_calls(entries, r"docker-ce=5:20\.10\.6~3-0~ubuntu-xenial docker-ce-cli=5:20\.10\.6~3-0~ubuntu-xenial")
    (k3s_event,) = [e for e in entries if e.get("event") == "k3s install script"]
    assert k3s_event["version"] == "v1.34.9+k3s2" and k3s_event["config"]["node-ip"] == "192.168.56.77"
    assert "192.168.56.77" in k3s_event["config"]["tls-san"]
    assert find_calls(entries, r"^curl .*/v1\.34\.9%2Bk3s2/install\.sh")
    kubeconfig = yaml.safe_load((vm.shared / ".devenv" / "kubeconfig").read_text())
    assert kubeconfig["clusters"][0]["cluster"]["server"] == "https://127.0.0.1:16443"
    assert "ready: http://127.0.0.1:18080/" in result.stdout


# A new value for every pin in settings.env (the *_VERSION keys): each is changed on a VM that is
# already provisioned, the way a user follows the README ("pins live in settings.env").
PIN_CHANGES = {"DOCKER_VERSION": "5:20.10.6~3-0~ubuntu-xenial", "K3S_VERSION": "v1.34.2+k3s1"}


def change_setting(vm, key, value):
    path = vm.shared / "settings.env"
    text, n = re.subn(r"^%s=.*$" % key, "%s=%s" % (key, value), path.read_text(), flags=re.M)
    assert n == 1, key
    path.write_text(text)


def test_every_pin_in_settings_env_has_a_changed_value_to_test():
    assert {k for k in settings() if k.endswith("_VERSION")} == set(PIN_CHANGES)


@pytest.mark.parametrize("key", sorted(PIN_CHANGES))
def test_a_changed_pin_is_installed_and_running_on_a_provisioned_vm(provisioned, key):
    new = PIN_CHANGES[key]
    assert provisioned.settings[key] != new
    change_setting(provisioned, key, new)
    result, entries = provisioned.provision()
    assert result.returncode == 0, result.stdout + result.stderr
    state = provisioned.state()
    if key == "DOCKER_VERSION":
        # Held packages at another version: apt refuses without --allow-change-held-packages.
        assert state["packages"]["docker-ce"] == new and state["packages"]["docker-ce-cli"] == new
        assert state["held"] == ["containerd.io", "docker-ce", "docker-ce-cli"]
        assert len([e for e in entries if e.get("event") == "docker installed"]) == 1
        assert find_calls(entries, r"^k3s-install") == []
    else:
        assert state["k3s_version"] == new and state["k3s_running_version"] == new
        assert find_calls(entries, r"^curl .*/%s/install\.sh" % re.escape(new.replace("+", "%2B")))
        assert find_calls(entries, r"^apt-get install") == []
    # The same run leaves the app up on it, and the next run changes nothing.
    assert "ready: http://127.0.0.1:%s/" % provisioned.settings["APP_HOST_PORT"] in result.stdout
    again, entries = provisioned.provision()
    assert again.returncode == 0, again.stderr
    assert find_calls(entries, CHANGES) == []


def test_settings_with_windows_line_ends_are_read_as_the_same_values(tmp_path):
    """A Windows checkout with core.autocrlf gives CRLF: no value may carry the \\r."""
    vm = VM(tmp_path)
    path = vm.shared / "settings.env"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    result, entries = vm.provision()
    assert result.returncode == 0, result.stdout + result.stderr
    (k3s_event,) = [e for e in entries if e.get("event") == "k3s install script"]
    assert k3s_event["config"]["node-ip"] == vm.settings["VM_IP"]
    assert "ready: http://127.0.0.1:%s/" % vm.settings["APP_HOST_PORT"] in result.stdout


def test_docker_install_keeps_config_files_and_brings_apparmor(vm):
    result, entries = vm.provision()
    assert result.returncode == 0, result.stderr
    installs = find_calls(entries, r"^apt-get install ")
    assert installs and all("-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold" in c
                            for c in installs)
    assert any(c.endswith(" containerd.io apparmor") for c in installs)


# --- corporate proxies -----------------------------------------------------------------------

CORP = "http://dev:s3cret%21@proxy.corp.example:3128"  # a percent-encoded password
CORP_TLS = "http://proxy.corp.example:3129"
NEVER_PROXIED = ["127.0.0.1", "localhost", settings()["VM_IP"], "10.42.0.0/16", "10.43.0.0/16", ".svc",
                 ".cluster.local"]


def started_env(entries, unit):
    """The proxy environment of UNIT's last (re)start in ENTRIES (None if it did not start)."""
    starts = [e["env"] for e in entries if e.get("event") == "service started" and e["unit"] == unit]
    return starts[-1] if starts else None


def build_args(entries):
    (build,) = [e["argv"] for e in cmds(entries) if e["cmd"] == "docker" and e["argv"][0] == "build"]
    return [build[i + 1] for i, a in enumerate(build) if a == "--build-arg"]


def test_the_hosts_proxy_reaches_every_consumer(vm):
    host = {"http_proxy": CORP, "HTTPS_PROXY": CORP_TLS, "no_proxy": ".corp.example,10.1.0.0/16,localhost"}
    result, entries = vm.provision(host=host)
    assert result.returncode == 0, result.stdout + result.stderr
    no_proxy = ",".join(NEVER_PROXIED + [".corp.example", "10.1.0.0/16"])
    both_cases = {"HTTP_PROXY": CORP, "HTTPS_PROXY": CORP_TLS, "NO_PROXY": no_proxy,
                  "http_proxy": CORP, "https_proxy": CORP_TLS, "no_proxy": no_proxy}
    # apt (its own file, and the environment of each call), curl and install.sh (its download).
    assert (vm.root / "etc/apt/apt.conf.d/95devenv-proxy").read_text().splitlines()[1:] == [
        'Acquire::http::Proxy "%s";' % CORP, 'Acquire::https::Proxy "%s";' % CORP_TLS]
    downloads = [e for e in cmds(entries) if e["cmd"] in ("apt-get", "curl", "k3s-install")]
    assert {e["cmd"] for e in downloads} == {"apt-get", "curl", "k3s-install"}
    assert all(e.get("env") == both_cases for e in downloads), [e for e in downloads if e.get("env") != both_cases]
    # The Docker daemon (its pulls) and k3s, as systemd starts them.
    assert started_env(entries, "docker") == {"HTTP_PROXY": CORP, "HTTPS_PROXY": CORP_TLS, "NO_PROXY": no_proxy}
    assert started_env(entries, "k3s") == both_cases
    # docker build: apk and pip in the build.
    assert build_args(entries) == ["%s=%s" % kv for kv in [("HTTP_PROXY", CORP), ("http_proxy", CORP),
                                                            ("HTTPS_PROXY", CORP_TLS), ("https_proxy", CORP_TLS),
                                                            ("NO_PROXY", no_proxy), ("no_proxy", no_proxy)]]
    # The password stays out of the output.
    assert "proxy: HTTP_PROXY=http://***@proxy.corp.example:3128" in result.stdout
    assert "s3cret" not in result.stdout + result.stderr


def test_settings_env_proxy_wins_over_the_hosts(vm):
    text = (vm.shared / "settings.env").read_text()
    text = re.sub(r"^HTTPS_PROXY=.*$", "HTTPS_PROXY=http://10.9.8.7:8080", text, flags=re.M)
    text = re.sub(r"^NO_PROXY=.*$", "NO_PROXY=.internal", text, flags=re.M)
    (vm.shared / "settings.env").write_text(text)
    result, entries = vm.provision(host={"HTTPS_PROXY": CORP_TLS, "NO_PROXY": ".corp.example", "http_proxy": CORP})
    assert result.returncode == 0, result.stdout + result.stderr
    no_proxy = ",".join(NEVER_PROXIED + [".internal"])
    assert started_env(entries, "docker") == {"HTTP_PROXY": CORP, "HTTPS_PROXY": "http://10.9.8.7:8080",
                                              "NO_PROXY": no_proxy}
    # The proxy is an address: only it is dialled, so the VM needs no DNS for the downloads.
    assert find_calls(entries, r"^getent ") == []


def test_a_changed_proxy_takes_effect_on_vagrant_provision_without_a_rebuild(vm):
    result, _ = vm.provision(host={"https_proxy": CORP_TLS})
    assert result.returncode == 0, result.stdout + result.stderr
    # install.sh kept the proxy it ran with in k3s.service.env.
    assert "https_proxy=%s" % CORP_TLS in (vm.root / "etc/systemd/system/k3s.service.env").read_text()

    other = "http://proxy2.corp.example:8080"
    result, entries = vm.provision(host={"https_proxy": other, "no_proxy": ".corp.example"})
    assert result.returncode == 0, result.stdout + result.stderr
    no_proxy = ",".join(NEVER_PROXIED + [".corp.example"])
    assert started_env(entries, "docker") == {"HTTPS_PROXY": other, "NO_PROXY": no_proxy}
    assert started_env(entries, "k3s") == {"HTTP_PROXY": "", "HTTPS_PROXY": other, "NO_PROXY": no_proxy,
                                           "http_proxy": "", "https_proxy": other, "no_proxy": no_proxy}
    assert find_calls(entries, r"^systemctl (--no-block )?restart") == ["systemctl restart docker",
                                                                       "systemctl --no-block restart k3s"]
    assert find_calls(entries, r"^(docker build|apt-get (update|install)|k3s-install|curl)") == []

    result, entries = vm.provision()  # the proxy is gone from the host
    assert result.returncode == 0, result.stdout + result.stderr
    assert started_env(entries, "docker") == {}
    assert started_env(entries, "k3s") == dict.fromkeys(("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy",
                                                         "https_proxy", "no_proxy"), "")
    assert not (vm.root / "etc/systemd/system/docker.service.d/http-proxy.conf").exists()
    assert not (vm.root / "etc/apt/apt.conf.d/95devenv-proxy").exists()
    assert find_calls(entries, r"^docker build") == []
    assert "proxy: no proxy" in result.stdout


def test_failure_a_proxy_on_the_hosts_loopback(vm):
    result, entries = vm.provision(host={"HTTP_PROXY": "http://127.0.0.1:3128"})
    assert_one_error_line(result, "docker", "vagrant provision")
    assert ("HTTP_PROXY from the host's environment is http://127.0.0.1:3128, this machine's own loopback, "
            "which the VM cannot reach") in result.stderr
    assert "listen on 192.168.56.1" in result.stderr
    assert find_calls(entries, r"^(apt-get|curl)") == []


def test_failure_a_proxy_setting_that_is_no_url(vm):
    result, entries = vm.provision(host={"https_proxy": 'http://proxy.corp.example:3128"'})
    assert_one_error_line(result, "docker", "vagrant provision")
    assert "HTTPS_PROXY from the host's environment is not an http:// or https:// proxy URL" in result.stderr
    assert find_calls(entries, r"^(apt-get|curl)") == []


def test_failure_the_vm_cannot_resolve_the_proxy(vm):
    vm.fault(dns_broken=True)
    result, entries = vm.provision(host={"https_proxy": CORP_TLS})
    assert_one_error_line(result, "docker", "vagrant provision")
    assert "cannot resolve proxy.corp.example" in result.stderr
    assert find_calls(entries, r"^getent ") == ["getent hosts proxy.corp.example"] * 3


# --- Docker Hub's pull limit -------------------------------------------------------------------

def test_failure_docker_hub_pull_limit_ends_the_rollout_wait_at_once(vm):
    vm.fault(pulls=[{"pod": "devenv/mysql-0", "image": "mysql:5.7.44", "kind": "limit", "waiting": True,
                     "blocks": "mysql"}])
    result, entries = vm.provision()
    assert_one_error_line(result, "app", "sudo docker login && sudo docker pull mysql:5.7.44")
    assert "Docker Hub refused to pull mysql:5.7.44: the anonymous pull limit" in result.stderr
    assert "(toomanyrequests)" in result.stderr and "then `vagrant provision`" in result.stderr
    assert len(find_calls(entries, r"rollout status statefulset/mysql")) == 1  # not 600 s of rounds
    assert find_calls(entries, r"rollout status deployment/app") == []


def test_failure_pull_limit_of_one_of_k3s_own_pods(vm):
    """local-path's provisioner cannot pull: mysql's claim stays Pending, so mysql waits without
    a pull of its own."""
    vm.fault(pulls=[{"pod": "kube-system/local-path-provisioner-5d56", "kind": "limit", "waiting": True,
                     "image": "rancher/local-path-provisioner:v0.0.31", "blocks": "mysql"}])
    result, _ = vm.provision()
    assert_one_error_line(result, "app", "sudo docker pull rancher/local-path-provisioner:v0.0.31")


def test_other_pull_failures_and_a_limit_already_over_wait_the_whole_rollout(vm):
    vm.fault(pulls=[{"pod": "devenv/mysql-0", "image": "mysql:5.7.44", "kind": "unknown", "waiting": True,
                     "blocks": "mysql"},
                    # An earlier refusal; the pod has pulled since.
                    {"pod": "kube-system/coredns-1", "image": "rancher/mirrored-coredns-coredns:1.12.3",
                     "kind": "limit", "waiting": False}])
    result, entries = vm.provision()
    assert_one_error_line(result, "app", "kubectl -n devenv describe pod -l app.kubernetes.io/name=mysql")
    assert "statefulset/mysql was not ready within 600s" in result.stderr
    assert len(find_calls(entries, r"rollout status statefulset/mysql --timeout=10s$")) == 60


def test_failure_docker_hub_pull_limit_in_the_image_build(vm):
    vm.fault(build_pull_limit=True)
    result, entries = vm.provision()
    assert_one_error_line(result, "app", "sudo docker login && sudo docker pull alpine:3.7")
    assert "Step 1/14 : FROM alpine:3.7" in result.stderr  # the build's own output is still shown
    assert find_calls(entries, r"^kubectl apply") == []


# --- step times -------------------------------------------------------------------------------

def times_file(vm):
    return json.loads((vm.shared / ".devenv" / "provision-times.json").read_text())


def times_lines(text):
    return [l for l in text.splitlines() if l.startswith("==> devenv: times: ")]


def test_a_first_vagrant_up_prints_each_steps_time_and_keeps_them_for_the_host(vm):
    # Simulated waits: apt's lock (2 x 5 s), k3s's start (2 x 2 s), a 185 s build, three 10 s rounds
    # of MySQL's rollout, the app's container still starting when on-boot looks (3 x 2 s).
    vm.fault(apt_lock_calls=2, k3s_start_polls=3, build_seconds=185, rollout_rounds={"mysql": 3})
    state = vm.state()
    state["app_pods"][0].update(running=False, start_after_polls=4)
    vm.write_state(state)
    result, _ = vm.provision()
    assert result.returncode == 0, result.stdout + result.stderr
    assert times_lines(result.stdout) == [
        "==> devenv: times: docker 10s · k3s 4s · image 3m05s · rollout 30s · on-boot 6s (total 3m55s)"]
    assert result.stdout.splitlines()[-1].startswith("==> devenv: times: ")  # the end of vagrant up
    run = {"started": iso(BOOT + 60), "seconds": 235, "ok": True, "fresh": True,
           "steps": [{"name": "docker", "seconds": 10, "ok": True}, {"name": "k3s", "seconds": 4, "ok": True},
                     {"name": "image", "seconds": 185, "ok": True}, {"name": "rollout", "seconds": 30, "ok": True},
                     {"name": "on-boot", "seconds": 6, "ok": True}]}
    times = times_file(vm)
    assert re.match(r"^\d{8}T\d{6}Z-\d+$", times["last_run"].pop("id"))
    assert times == {"format": 1, "last_run": run, "first_boot": dict(run, id=times["first_boot"]["id"])}


def test_later_runs_are_the_last_run_and_keep_the_first_boots_figures(provisioned):
    first_boot = times_file(provisioned)["first_boot"]
    assert first_boot["fresh"] is True and [s["name"] for s in first_boot["steps"]] == [
        "docker", "k3s", "image", "rollout", "on-boot"]
    result, _ = provisioned.provision()  # vagrant provision: every step, nothing to do
    assert result.returncode == 0, result.stderr
    times = times_file(provisioned)
    assert times["first_boot"] == first_boot
    assert times["last_run"]["fresh"] is False and times["last_run"]["id"] != first_boot["id"]
    assert [s["name"] for s in times["last_run"]["steps"]] == ["docker", "k3s", "image", "rollout", "on-boot"]

    provisioned.fault(api_down_polls=2)
    result, _ = provisioned.provision(only_always=True)  # vagrant up of a provisioned VM
    assert times_lines(result.stdout) == ["==> devenv: times: on-boot 4s (total 4s)"]
    times = times_file(provisioned)
    assert [(s["name"], s["seconds"]) for s in times["last_run"]["steps"]] == [("on-boot", 4)]
    assert times["first_boot"] == first_boot


def test_a_failed_run_prints_its_times_just_before_the_error_line(vm):
    vm.fault(node_never_ready=True)
    result, _ = vm.provision()
    assert_one_error_line(result, "k3s", "journalctl -u k3s")
    lines = result.stderr.splitlines()
    assert lines[-2] == "==> devenv: times: docker 0s · k3s 5m00s (failed) (total 5m00s)"
    assert lines[-1].startswith("==> devenv: ERROR: step k3s: ")
    times = times_file(vm)
    assert times["last_run"]["ok"] is False and times["first_boot"] is None
    assert [(s["name"], s["ok"]) for s in times["last_run"]["steps"]] == [("docker", True), ("k3s", False)]


def test_a_failure_inside_the_build_reports_the_times_once(vm):
    vm.fault(build_fail=True)
    result, _ = vm.provision()
    assert_one_error_line(result, "app", "vagrant provision")
    assert len(times_lines(result.stderr)) == 1 and times_lines(result.stdout) == []
    assert times_lines(result.stderr)[0].endswith("image 0s (failed) (total 0s)")
