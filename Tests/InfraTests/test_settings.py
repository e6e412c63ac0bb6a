"""settings.env is the one home of the VM's numbers and pins; static rules for provision/*.sh."""
import glob
import os
import re

from conftest import ROOT, read, settings, strip_shell_comments

SCRIPTS = sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "provision", "*.sh")))


def strip_ruby_comments(text):
    return "\n".join(re.sub(r"\s#\s.*$", "", l) for l in text.splitlines() if not l.lstrip().startswith("#"))


def test_pins():
    s = settings()
    assert s["K3S_VERSION"].startswith("v1.34."), "k3s must stay on 1.34 (1.35+ refuses cgroup v1 on 16.04)"
    assert re.match(r"^v1\.34\.[0-9]+\+k3s[0-9]+$", s["K3S_VERSION"])
    # download.docker.com xenial/stable: the last docker-ce built for xenial.
    assert s["DOCKER_VERSION"] == "5:20.10.7~3-0~ubuntu-xenial"


def test_no_setting_is_written_twice():
    """The values live in settings.env only: the Vagrantfile and provision/*.sh read them."""
    s = settings()
    texts = {"Vagrantfile": strip_ruby_comments(read("Vagrantfile"))}
    texts.update({p: strip_shell_comments(read(p)) for p in SCRIPTS})
    for key in ("VM_IP", "VM_MEMORY_MB", "APP_HOST_PORT", "APP_NODE_PORT", "K3S_VERSION", "DOCKER_VERSION"):
        pattern = r"(?<![\w.])%s(?![\w.])" % re.escape(s[key])
        for path, text in texts.items():
            assert not re.search(pattern, text), "%s writes %s=%s itself" % (path, key, s[key])
    # 6443 is also k3s's port inside the VM (the Vagrantfile's guest side); the scripts never need it.
    for path in SCRIPTS:
        assert not re.search(r"(?<!\w)%s(?!\w)" % s["API_HOST_PORT"], texts[path]), path


def test_scripts_read_the_settings():
    for path in ("provision/docker.sh", "provision/k3s.sh", "provision/app.sh", "provision/on-boot.sh"):
        text = strip_shell_comments(read(path))
        assert re.search(r"^load_settings$", text, re.M), path
        assert re.search(r"^set -euo pipefail$", text, re.M), path


def test_no_early_exit_reader_at_the_end_of_a_pipe():
    """Under pipefail, `cmd | grep -q` fails when grep exits at its first match and cmd dies of
    SIGPIPE. Capture, then match."""
    for path in SCRIPTS:
        for n, line in enumerate(strip_shell_comments(read(path)).splitlines(), 1):
            assert not re.search(r"\|\s*(grep\s+(-\w*q|--quiet)|head\b|awk\s.*\bexit\b)", line), \
                "%s:%d: %s" % (path, n, line.strip())


def test_apt_installs_skip_recommends_and_wait_for_the_lock():
    text = strip_shell_comments(read("provision/docker.sh"))
    installs = re.findall(r"^\s*(\S+) install\b(.*)$", text, re.M)
    assert installs, "no apt install in docker.sh"
    for command, args in installs:
        assert command == "apt_get", "apt-get called directly: %s install%s" % (command, args)
        assert "--no-install-recommends" in args, args
    assert not re.search(r"(^|\s)apt-get\s", text), "apt-get called directly (apt_get waits for the lock)"
    assert "software-properties-common" not in text  # add-apt-repository is not used
