import os
import re
import subprocess

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def render(folder):
    out = subprocess.run(["kubectl", "kustomize", os.path.join(ROOT, folder)], check=True,
                         capture_output=True, text=True).stdout
    return [d for d in yaml.safe_load_all(out) if d]


@pytest.fixture(scope="session")
def rendered():
    return render("manifests")


@pytest.fixture(scope="session")
def portable():
    return render("manifests/base")


def find(docs, kind, name):
    matches = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    assert matches, "no %s/%s in the rendered manifests" % (kind, name)
    return matches[0]


def read(path):
    with open(os.path.join(ROOT, path)) as f:
        return f.read()


def settings():
    """settings.env parsed the way provision/lib.sh and the Vagrantfile parse it."""
    values = {}
    for line in read("settings.env").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        values[key] = value
    return values


def probe_vagrantfile(vagrantfile=None, **env):
    """The Vagrantfile as Ruby evaluates it (vagrantfile_probe.rb): returns (returncode, config, stderr)."""
    import json
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("DEVENV_", "PROBE_", "VAGRANT_"))}
    full_env.update(env)
    result = subprocess.run(["ruby", os.path.join(os.path.dirname(__file__), "vagrantfile_probe.rb"),
                             vagrantfile or os.path.join(ROOT, "Vagrantfile")],
                            env=full_env, capture_output=True, text=True)
    config = json.loads(result.stdout) if result.returncode == 0 else None
    return result.returncode, config, result.stderr


def calls_at(config, path):
    """Every recorded call or assignment at PATH, searched through nested blocks."""
    found = []

    def walk(entries):
        for entry in entries:
            if entry["path"] == path:
                found.append(entry)
            walk(entry.get("block", []))

    walk(config["calls"])
    return found


def strip_shell_comments(text):
    """Shell text without comment lines and trailing comments (good enough for our scripts)."""
    out = []
    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith("#"):
            continue
        out.append(re.sub(r"\s#\s.*$", "", line))
    return "\n".join(out)
