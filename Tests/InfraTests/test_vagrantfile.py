"""Policy tests on the Vagrantfile, read by Vagrant itself where possible."""
import re

from conftest import read

TEXT = read("Vagrantfile")


def test_box_and_machine():
    assert re.search(r'^\s*node\.vm\.box = "geerlingguy/ubuntu1604"$', TEXT, re.M)
    assert 'VM_NAME = "devenv"' in TEXT and "config.vm.define VM_NAME" in TEXT
    assert 'VM_IP = "192.168.56.10"' in TEXT and 'private_network", ip: VM_IP' in TEXT


def test_forwarded_ports_are_loopback_only():
    ports = re.findall(r'forwarded_port".*', TEXT)
    assert len(ports) == 2
    assert all('host_ip: "127.0.0.1"' in p for p in ports), ports
    assert any("guest: 6443, host: 6443" in p for p in ports)
    assert any("guest: 30080, host: 8080" in p for p in ports)


def test_resources_are_overridable():
    assert 'ENV.fetch("DEVENV_MEMORY", "3072")' in TEXT
    assert 'ENV.fetch("DEVENV_CPUS", "2")' in TEXT
    assert "vb.memory = VM_MEMORY" in TEXT and "vb.cpus = VM_CPUS" in TEXT


def test_provisioners_are_scripts_and_one_runs_always():
    provisioners = re.findall(r'vm\.provision "([^"]+)", type: "shell", path: "([^"]+)"(.*)', TEXT)
    assert [p[1] for p in provisioners] == ["provision/docker.sh", "provision/k3s.sh", "provision/app.sh",
                                           "provision/on-boot.sh"]
    assert 'run: "always"' in provisioners[-1][2]
    assert "inline" not in TEXT


def test_synced_folder_is_the_repo():
    assert re.search(r'synced_folder "\.", "/vagrant"', TEXT)


def test_pins_in_provisioning():
    docker = read("provision/docker.sh")
    k3s = read("provision/k3s.sh")
    assert 'DOCKER_VERSION="5:20.10.7~3-0~ubuntu-xenial"' in docker and "apt-mark hold" in docker
    version = re.search(r'K3S_VERSION="(v[0-9.]+\+k3s[0-9]+)"', k3s).group(1)
    assert version.startswith("v1.34."), "k3s must stay on 1.34 (1.35+ refuses cgroup v1 on 16.04)"
    for script in ("docker.sh", "k3s.sh", "app.sh", "on-boot.sh"):
        assert "set -euo pipefail" in read("provision/" + script), script
