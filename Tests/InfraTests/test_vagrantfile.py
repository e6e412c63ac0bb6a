"""Policy tests on the Vagrantfile as Ruby evaluates it (vagrantfile_probe.rb records every setting),
plus `vagrant` itself where it can answer offline."""
import os
import re
import shutil
import stat
import subprocess

import pytest

from conftest import ROOT, calls_at, probe_vagrantfile, settings

NODE = "config.vm.define(%s)" % settings()["VM_NAME"]


@pytest.fixture(scope="module")
def config():
    rc, config, err = probe_vagrantfile()
    assert rc == 0, err
    return config


def one(config, path):
    found = calls_at(config, path)
    assert len(found) == 1, (path, found)
    return found[0]


def test_box_machine_and_ip_come_from_settings(config):
    s = settings()
    assert one(config, "config.vm.define")["args"] == [s["VM_NAME"]]
    assert one(config, NODE + ".vm.box")["set"] == "geerlingguy/ubuntu1604"
    assert one(config, NODE + ".vm.hostname")["set"] == s["VM_NAME"]
    private = [c for c in calls_at(config, NODE + ".vm.network") if c["args"] == ["private_network"]]
    assert [c["opts"] for c in private] == [{"ip": s["VM_IP"]}]


def test_forwarded_ports_are_loopback_only_and_from_settings(config):
    s = settings()
    ports = {c["opts"]["id"]: c["opts"] for c in calls_at(config, NODE + ".vm.network")
             if c["args"] == ["forwarded_port"]}
    assert ports == {
        "kube-api": {"id": "kube-api", "guest": 6443, "host": int(s["API_HOST_PORT"]), "host_ip": "127.0.0.1"},
        "app": {"id": "app", "guest": int(s["APP_NODE_PORT"]), "host": int(s["APP_HOST_PORT"]),
                "host_ip": "127.0.0.1"},
    }


def test_size_comes_from_settings_and_the_environment_overrides_it(config):
    s = settings()
    vb = NODE + ".vm.provider(virtualbox)"
    assert one(config, vb + ".memory")["set"] == int(s["VM_MEMORY_MB"])
    assert one(config, vb + ".cpus")["set"] == int(s["VM_CPUS"])
    rc, overridden, err = probe_vagrantfile(DEVENV_MEMORY="4096", DEVENV_CPUS="4")
    assert rc == 0, err
    assert one(overridden, vb + ".memory")["set"] == 4096
    assert one(overridden, vb + ".cpus")["set"] == 4
    rc, _, err = probe_vagrantfile(DEVENV_MEMORY="4G")
    assert rc != 0 and 'DEVENV_MEMORY must be a whole number, got "4G"' in err


def test_provider_is_virtualbox(config):
    assert config["default_provider"] == "virtualbox"
    assert [c["args"] for c in calls_at(config, NODE + ".vm.provider")] == [["virtualbox"]]


def test_vagrant_reports_missing_virtualbox_not_libvirt(tmp_path):
    """Debian's vagrant defaults to libvirt; with the provider forced, a host without VirtualBox
    (this one) hears that VirtualBox is missing."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(os.path.join(ROOT, "Vagrantfile"), str(project / "Vagrantfile"))
    shutil.copy(os.path.join(ROOT, "settings.env"), str(project / "settings.env"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VAGRANT_", "DEVENV_"))}
    env["VAGRANT_HOME"] = str(tmp_path / "vagrant.d")
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep)
                                  if not os.path.exists(os.path.join(p, "VBoxManage")))
    result = subprocess.run(["vagrant", "validate"], cwd=str(project), env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "Vagrant could not detect VirtualBox" in result.stdout + result.stderr
    assert "libvirt" not in result.stdout + result.stderr


def test_vagrant_validates_the_virtualbox_settings(tmp_path):
    """With a stand-in VBoxManage that answers --version, `vagrant validate` checks the VirtualBox
    provider block too (a misspelled option fails), which --ignore-provider skips."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    vbox = bin_dir / "VBoxManage"
    vbox.write_text("#!/bin/sh\n[ \"$1\" = --version ] && echo 7.0.20r163906\nexit 0\n")
    vbox.chmod(vbox.stat().st_mode | stat.S_IEXEC)
    project = tmp_path / "project"
    project.mkdir()
    text = open(os.path.join(ROOT, "Vagrantfile")).read()
    shutil.copy(os.path.join(ROOT, "settings.env"), str(project / "settings.env"))
    shutil.copytree(os.path.join(ROOT, "provision"), str(project / "provision"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VAGRANT_", "DEVENV_"))}
    env.update(VAGRANT_HOME=str(tmp_path / "vagrant.d"), PATH="%s%s%s" % (bin_dir, os.pathsep, env["PATH"]))

    (project / "Vagrantfile").write_text(text)
    ok = subprocess.run(["vagrant", "validate"], cwd=str(project), env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr

    assert "vb.memory = VM_MEMORY" in text
    (project / "Vagrantfile").write_text(text.replace("vb.memory = VM_MEMORY", "vb.memroy = VM_MEMORY"))
    bad = subprocess.run(["vagrant", "validate"], cwd=str(project), env=env, capture_output=True, text=True)
    assert bad.returncode != 0 and "memroy" in bad.stdout + bad.stderr


def test_require_version_admits_only_vagrant_that_drives_virtualbox_6_1_or_later(config):
    # Vagrant CHANGELOG: VirtualBox 6.1 support came in 2.2.7 (7.0: 2.3.2, 7.1: 2.4.2, 7.2: 2.4.9).
    assert config["require_version"] == [">= 2.2.7"]


@pytest.mark.parametrize("env", [
    {"PROBE_HOST_CPU": "arm64"},
    {"PROBE_HOST_CPU": "aarch64"},
    {"PROBE_HOST_CPU": "x86_64", "PROBE_HOST_OS": "darwin23", "PROBE_SYSCTL_ARM64": "1"},  # under Rosetta
])
def test_arm64_host_stops_early_with_one_sentence(env):
    rc, _, err = probe_vagrantfile(**env)
    assert rc != 0
    lines = [l for l in err.splitlines() if l.strip()]
    assert lines == ["devenv needs an x86_64 (amd64) host: its box geerlingguy/ubuntu1604 is amd64-only and "
                     "VirtualBox cannot run it on this arm64 machine (Apple Silicon included)."]


def test_intel_mac_is_not_stopped():
    rc, _, err = probe_vagrantfile(PROBE_HOST_OS="darwin23", PROBE_SYSCTL_ARM64="0")
    assert rc == 0, err


def test_vbguest_auto_update_is_off_only_when_the_plugin_is_there(config):
    assert calls_at(config, "config.vbguest.auto_update") == []
    rc, with_plugin, err = probe_vagrantfile(PROBE_PLUGINS="vagrant-vbguest")
    assert rc == 0, err
    assert [c["set"] for c in calls_at(with_plugin, "config.vbguest.auto_update")] == [False]


def test_virtualbox_name_is_unique_per_checkout(tmp_path):
    names = []
    for folder in ("a/devenv", "b/devenv"):
        project = tmp_path / folder
        project.mkdir(parents=True)
        shutil.copy(os.path.join(ROOT, "Vagrantfile"), str(project / "Vagrantfile"))
        shutil.copy(os.path.join(ROOT, "settings.env"), str(project / "settings.env"))
        rc, config, err = probe_vagrantfile(str(project / "Vagrantfile"))
        assert rc == 0, err
        names += [c["set"] for c in calls_at(config, NODE + ".vm.provider(virtualbox).name")]
    assert len(names) == 2 and names[0] != names[1], names
    assert all(n.startswith("devenv-devenv-") for n in names), names


def test_provisioners_run_in_order_and_only_on_boot_always(config):
    provisioners = calls_at(config, NODE + ".vm.provision")
    assert [p["args"][0] for p in provisioners] == ["docker", "k3s", "app", "on-boot"]
    assert [p["opts"]["path"] for p in provisioners] == ["provision/docker.sh", "provision/k3s.sh",
                                                       "provision/app.sh", "provision/on-boot.sh"]
    assert all(p["opts"]["type"] == "shell" and "inline" not in p["opts"] for p in provisioners)
    assert [p["opts"].get("run") for p in provisioners] == [None, None, None, "always"]


def test_synced_folder_is_the_repo(config):
    (folder,) = calls_at(config, NODE + ".vm.synced_folder")
    assert folder["args"] == [".", "/vagrant"]


def vboxsf_options(opts):
    """A synced folder's mount_options as {name: value} (items may hold several, comma-separated)."""
    found = {}
    for item in opts.get("mount_options") or []:
        for part in str(item).split(","):
            name, _, value = part.strip().partition("=")
            found[name] = value
    return found


def app_user(rendered):
    """(uid, gids) the app container runs as: its securityContext over the pod's over the image's USER."""
    import app_container
    from conftest import find
    spec = find(rendered, "Deployment", "app")["spec"]["template"]["spec"]
    (container,) = [c for c in spec["containers"] if c["name"] == "app"]
    context = dict(spec.get("securityContext", {}), **container.get("securityContext", {}))
    users = [args for keyword, args in app_container.dockerfile()[-1]["instructions"] if keyword == "USER"]
    image_uid, _, image_gid = users[-1].partition(":") if users else ("0", "", "0")
    gids = [context.get("runAsGroup", int(image_gid or image_uid)), context.get("fsGroup")]
    gids += list(context.get("supplementalGroups", []))
    return context.get("runAsUser", int(image_uid)), {g for g in gids if g is not None}


def test_the_code_folder_is_readable_by_the_containers_user(config, rendered):
    """The app container (uid 10001) reads the code through the VM's shared folder. vboxsf gives
    every file the mount's dmode/fmode, less dmask/fmask (umask sets both; mount.vboxsf.c), or without them the host
    file's own mode (VirtualBox Guest Additions, vboxsf utils.c sf_init_inode), owned by the mount's
    uid/gid (Vagrant's: the vagrant user). With dmode=770,fmode=660 the container cannot list or
    read /app: the master fails to load the app and the pod crash-loops."""
    spec = [d for d in rendered if d["kind"] == "Deployment" and d["metadata"]["name"] == "app"][0]
    code = [v["hostPath"]["path"] for v in spec["spec"]["template"]["spec"]["volumes"] if "hostPath" in v]
    assert len(code) == 1, code
    code = code[0]
    folders = [f for f in calls_at(config, NODE + ".vm.synced_folder") if not f["opts"].get("disabled")]
    carrying = [f for f in folders if code == f["args"][1] or code.startswith(f["args"][1].rstrip("/") + "/")]
    assert carrying, "no synced folder of the Vagrantfile holds the code mount's %s" % code
    folder = max(carrying, key=lambda f: len(f["args"][1]))  # the innermost mount wins
    host = os.path.normpath(os.path.join(ROOT, folder["args"][0], os.path.relpath(code, folder["args"][1])))
    assert host == os.path.join(ROOT, "app"), "the VM's %s is %s on the host, not app/" % (code, host)
    assert folder["opts"].get("type", "virtualbox") == "virtualbox", folder["opts"]

    options = vboxsf_options(folder["opts"])
    assert "dmode" in options and "fmode" in options, (
        "the synced folder sets no dmode/fmode: the VM then shows the host files' own modes, and a "
        "checkout made under umask 077 is unreadable by the container's user: %s" % folder["opts"])
    masks = {"dmask": 0, "fmask": 0}
    for item in folder["opts"]["mount_options"]:  # mount.vboxsf: in order, umask sets both masks
        for part in str(item).split(","):
            name, _, value = part.strip().partition("=")
            if name in ("umask", "dmask", "fmask"):
                masks.update({m: int(value, 8) for m in masks if name in ("umask", m)})
    dmode = int(options["dmode"], 8) & ~masks["dmask"]
    fmode = int(options["fmode"], 8) & ~masks["fmask"]
    uid, gids = app_user(rendered)
    owner, group = options.get("uid") or folder["opts"].get("owner"), options.get("gid") or folder["opts"].get("group")
    shift = 6 if str(owner) == str(uid) else 3 if group is not None and str(group) in map(str, gids) else 0
    who = ["others", "group", "", "owner"][shift // 2]
    assert (dmode >> shift) & 0o5 == 0o5, "folders are mode %o: %s (uid %d) cannot list them" % (dmode, who, uid)
    assert (fmode >> shift) & 0o4 == 0o4, "files are mode %o: %s (uid %d) cannot read them" % (fmode, who, uid)


def test_probe_sees_through_comments(tmp_path):
    """A commented-out setting configures nothing, so it cannot satisfy these tests."""
    text = open(os.path.join(ROOT, "Vagrantfile")).read()
    line = '  config.vbguest.auto_update = false if Vagrant.has_plugin?("vagrant-vbguest")\n'
    assert line in text
    (tmp_path / "Vagrantfile").write_text(text.replace(line, "  # " + line.lstrip()))
    shutil.copy(os.path.join(ROOT, "settings.env"), str(tmp_path / "settings.env"))
    rc, config, err = probe_vagrantfile(str(tmp_path / "Vagrantfile"), PROBE_PLUGINS="vagrant-vbguest")
    assert rc == 0, err
    assert calls_at(config, "config.vbguest.auto_update") == []



def test_readme_prerequisites_match_the_vagrantfile(config):
    """The README's VirtualBox/Vagrant pairs (hashicorp/vagrant CHANGELOG: 6.1 in 2.2.7, 7.0 in 2.3.2,
    private networks on macOS in 2.3.3 (GH-12983), 7.1 in 2.4.2, 7.2 in 2.4.9) and require_version
    admit the same oldest Vagrant."""
    import re
    from conftest import read
    readme = read("README.md")
    prerequisites = readme[readme.index("## Prerequisites"):readme.index("## Quick start")]
    rows = re.findall(r"^\s*\| (\d+\.\d+) \| (\d+\.\d+\.\d+) or later( \(.*\))? \|$", prerequisites, re.M)
    pairs = {vbox: vagrant for vbox, vagrant, _ in rows}
    assert pairs == {"6.1": "2.2.7", "7.0": "2.3.2", "7.1": "2.4.2", "7.2": "2.4.9"}
    assert {vbox: note for vbox, _, note in rows if note} == {"7.0": " (2.3.3 on macOS)"}
    oldest = min(pairs.values(), key=lambda v: tuple(int(x) for x in v.split(".")))
    assert config["require_version"] == [">= %s" % oldest]
    assert "arm64" in prerequisites and "libvirt" in prerequisites and "vagrant-vbguest" in prerequisites


def test_every_number_follows_settings_env(tmp_path):
    """Change every setting in a copy: the evaluated Vagrantfile follows, so none is written twice."""
    changed = {"VM_NAME": "devbox", "VM_IP": "192.168.56.77", "VM_MEMORY_MB": "2500", "VM_CPUS": "3",
               "API_HOST_PORT": "16443", "APP_HOST_PORT": "18080", "APP_NODE_PORT": "30081"}
    original = open(os.path.join(ROOT, "settings.env")).read()
    text = original
    for key, value in changed.items():
        text, n = re.subn(r"^%s=.*$" % key, "%s=%s" % (key, value), text, flags=re.M)
        assert n == 1, key
    (tmp_path / "settings.env").write_text(text)
    shutil.copy(os.path.join(ROOT, "Vagrantfile"), str(tmp_path / "Vagrantfile"))
    rc, config, err = probe_vagrantfile(str(tmp_path / "Vagrantfile"))
    assert rc == 0, err
    node = "config.vm.define(devbox)"
    assert one(config, node + ".vm.hostname")["set"] == "devbox"
    assert [c["opts"] for c in calls_at(config, node + ".vm.network") if c["args"] == ["private_network"]] == [
        {"ip": "192.168.56.77"}]
    ports = {c["opts"]["id"]: (c["opts"]["guest"], c["opts"]["host"]) for c in calls_at(config, node + ".vm.network")
             if c["args"] == ["forwarded_port"]}
    assert ports == {"kube-api": (6443, 16443), "app": (30081, 18080)}
    vb = node + ".vm.provider(virtualbox)"
    assert one(config, vb + ".memory")["set"] == 2500 and one(config, vb + ".cpus")["set"] == 3


def test_nat_dns_is_answered_by_the_hosts_resolver(config):
    """--natdnshostresolver1 (VirtualBox 6.1-7.1; 7.2's libslirp NAT ignores it and the DNS proxy
    alike, DrvNATlibslirp.cpp), and no second DNS mode that would contradict it."""
    customizations = [c["args"][0] for c in calls_at(config, NODE + ".vm.provider(virtualbox).customize")]
    nat_dns = [c for c in customizations if any(str(a).startswith("--natdns") for a in c)]
    assert nat_dns == [["modifyvm", "id", "--natdnshostresolver1", "on"]]


@pytest.mark.parametrize("host, passed", [
    ({"HTTP_PROXY": "http://up:3128"}, {"DEVENV_HOST_HTTP_PROXY": "http://up:3128"}),
    ({"https_proxy": "http://low:3129", "no_proxy": ".corp"},
     {"DEVENV_HOST_HTTPS_PROXY": "http://low:3129", "DEVENV_HOST_NO_PROXY": ".corp"}),
    # Both cases set: the lowercase one, as curl reads it.
    ({"http_proxy": "http://low:1", "HTTP_PROXY": "http://up:2"}, {"DEVENV_HOST_HTTP_PROXY": "http://low:1"}),
    # A blank lowercase one does not hide the other.
    ({"no_proxy": "  ", "NO_PROXY": ".corp"}, {"DEVENV_HOST_NO_PROXY": ".corp"}),
    ({}, {}),
])
def test_every_provisioner_gets_the_hosts_proxy_in_either_case(host, passed):
    env = dict.fromkeys(("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY"), "")
    env.update(host)
    rc, config, err = probe_vagrantfile(**env)
    assert rc == 0, err
    expected = dict.fromkeys(("DEVENV_HOST_HTTP_PROXY", "DEVENV_HOST_HTTPS_PROXY", "DEVENV_HOST_NO_PROXY"), "")
    expected.update(passed)
    provisioners = calls_at(config, NODE + ".vm.provision")
    assert len(provisioners) == 4
    for p in provisioners:
        assert {k: v for k, v in p["opts"]["env"].items() if k.startswith("DEVENV_HOST_")} == expected, p["args"]


def test_all_steps_of_one_vagrant_command_share_a_run_id_and_the_next_command_has_another(config):
    """provision/ groups step times by DEVENV_RUN_ID (README, "How long")."""
    ids = {p["opts"]["env"]["DEVENV_RUN_ID"] for p in calls_at(config, NODE + ".vm.provision")}
    assert len(ids) == 1
    rc, again, err = probe_vagrantfile()
    assert rc == 0, err
    assert {p["opts"]["env"]["DEVENV_RUN_ID"] for p in calls_at(again, NODE + ".vm.provision")} != ids
