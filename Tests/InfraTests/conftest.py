import os
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
