"""The provisioning scripts' decision logic, run for real with stand-in docker/ip on PATH."""
import json
import os
import stat
import subprocess

import yaml

from conftest import ROOT, settings

K3S_YAML = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "k3s-kubeconfig")).read()

STANDIN = """#!/usr/bin/env bash
printf '%s\\n' "$(basename "$0") $*" >> "$CALLS"
case "$(basename "$0") $1 $2" in
  "docker image inspect") [ -f "$STATE/image" ] ;;
  "docker build --pull=false") touch "$STATE/image"; echo "Successfully tagged devenv-app:dev" ;;
  "ip -o -4") cat "$STATE/ip-addr" ;;
  *) exit 0 ;;
esac
"""


def world(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("docker", "ip"):
        p = bin_dir / name
        p.write_text(STANDIN)
        p.chmod(p.stat().st_mode | stat.S_IEXEC)
    app = tmp_path / "app"
    app.mkdir()
    (app / "Dockerfile").write_text("FROM alpine:3.7\n")
    (app / "requirements.txt").write_text("Flask==1.1.4\n")
    (tmp_path / "state").mkdir()
    env = dict(os.environ, PATH="%s:%s" % (bin_dir, os.environ["PATH"]), CALLS=str(tmp_path / "calls"),
               STATE=str(tmp_path), DEVENV_STATE_DIR=str(tmp_path / "state"), DEVENV_SHARED_DIR=str(tmp_path),
               API_HOST_PORT=settings()["API_HOST_PORT"])
    return env, app


def run(env, snippet):
    script = '. "%s/provision/lib.sh"; %s' % (ROOT, snippet)
    return subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True)


def calls(tmp_path):
    path = tmp_path / "calls"
    return path.read_text().splitlines() if path.exists() else []


def test_image_is_built_when_missing_then_only_when_its_inputs_change(tmp_path):
    env, app = world(tmp_path)
    first = run(env, 'build_app_image "%s"' % app)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "built"
    assert "docker build --pull=false -t devenv-app:dev %s" % app in calls(tmp_path)

    # A code edit does not rebuild.
    (app / "application.py").write_text("print('edited')\n")
    second = run(env, 'build_app_image "%s"' % app)
    assert second.stdout.strip() == "unchanged"
    assert sum(1 for c in calls(tmp_path) if c.startswith("docker build")) == 1

    # A requirements change does.
    (app / "requirements.txt").write_text("Flask==1.1.4\ngunicorn==19.10.0\n")
    third = run(env, 'build_app_image "%s"' % app)
    assert third.stdout.strip() == "built"
    assert sum(1 for c in calls(tmp_path) if c.startswith("docker build")) == 2


def test_image_is_rebuilt_if_it_vanished(tmp_path):
    env, app = world(tmp_path)
    run(env, 'build_app_image "%s"' % app)
    os.remove(str(tmp_path / "image"))
    assert run(env, 'build_app_image "%s"' % app).stdout.strip() == "built"


def test_kubeconfig_is_rewritten_for_the_host(tmp_path):
    env, _ = world(tmp_path)
    source = tmp_path / "k3s.yaml"
    source.write_text(K3S_YAML.replace("https://127.0.0.1:6443", "https://192.168.56.10:6443"))
    dest = tmp_path / ".devenv" / "kubeconfig"
    result = run(env, 'install_kubeconfig "%s" "%s"' % (source, dest))
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(dest.read_text())
    assert config["clusters"][0]["cluster"]["server"] == "https://127.0.0.1:6443"
    assert config["clusters"][0]["name"] == "devenv"
    assert config["contexts"][0] == {"context": {"cluster": "devenv", "user": "devenv"}, "name": "devenv"}
    assert config["current-context"] == "devenv"
    assert config["users"][0]["name"] == "devenv"
    assert config["users"][0]["user"]["client-key-data"] == "LS0tLS1CRUdJTi2="
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    assert not list((tmp_path / ".devenv").glob("*.tmp.*"))


def test_missing_kubeconfig_is_a_clear_error(tmp_path):
    env, _ = world(tmp_path)
    result = run(env, 'install_kubeconfig "%s/none.yaml" "%s/out"' % (tmp_path, tmp_path))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "==> devenv: ERROR: step provision: no kubeconfig at %s/none.yaml: "
        "run `vagrant ssh -c 'sudo systemctl status k3s'`" % tmp_path]


def test_flannel_interface_is_the_one_with_the_private_ip(tmp_path):
    env, _ = world(tmp_path)
    (tmp_path / "ip-addr").write_text(
        "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n"
        "2: enp0s3    inet 10.0.2.15/24 brd 10.0.2.255 scope global enp0s3\\       valid_lft forever\n"
        "3: enp0s8    inet 192.168.56.10/24 brd 192.168.56.255 scope global enp0s8\\       valid_lft forever\n"
        "4: docker0    inet 172.17.0.1/16 scope global docker0\\       valid_lft forever\n")
    result = run(env, "iface_for_ip 192.168.56.10")
    assert result.stdout.strip() == "enp0s8", result.stderr
    missing = run(env, "iface_for_ip 192.168.56.99")
    assert missing.returncode == 1
    assert "no network interface has 192.168.56.99" in missing.stderr


def test_k3s_config(tmp_path):
    env, _ = world(tmp_path)
    config = yaml.safe_load(run(env, "render_k3s_config 192.168.56.10 enp0s8").stdout)
    assert config["docker"] is True
    assert config["prefer-bundled-bin"] is True  # k3s's iptables, not xenial's 1.6.0
    assert config["node-ip"] == "192.168.56.10"
    assert config["flannel-iface"] == "enp0s8"
    assert config["write-kubeconfig-mode"] == "0644"
    assert set(config["disable"]) == {"traefik", "servicelb", "metrics-server"}
    assert "local-storage" not in config["disable"]  # the MySQL claim needs local-path


def test_k3s_starts_after_docker():
    env = dict(os.environ)
    dropin = run(env, "render_k3s_dropin").stdout
    unit = [l for l in dropin.splitlines() if l and not l.startswith("#")]
    assert unit[0] == "[Unit]"
    assert "After=docker.service" in unit and "Requires=docker.service" in unit


def test_docker_logs_rotate():
    daemon = json.loads(run(dict(os.environ), "render_docker_daemon_json").stdout)
    assert daemon["log-driver"] == "json-file"
    # Docker requires the log-opts values as strings.
    assert daemon["log-opts"] == {"max-size": "10m", "max-file": "3"}


def test_settings_are_parsed_not_sourced(tmp_path):
    env = dict(os.environ)
    good = tmp_path / "good.env"
    good.write_text("# comment\nVM_IP=10.0.0.1\nAPI_HOST_PORT=1\nAPP_HOST_PORT=2\nNAMESPACE=ns\n"
                    "K3S_VERSION=v1\nDOCKER_VERSION=5:1~2\nODD=a b $(touch %s/pwned)\n" % tmp_path)
    env["DEVENV_SETTINGS"] = str(good)
    result = run(env, 'load_settings; printf "%s|%s|%s" "$VM_IP" "$DOCKER_VERSION" "$ODD"')
    assert result.returncode == 0, result.stderr
    assert result.stdout == "10.0.0.1|5:1~2|a b $(touch %s/pwned)" % tmp_path
    assert not (tmp_path / "pwned").exists()
    bad = tmp_path / "bad.env"
    bad.write_text("VM_IP=10.0.0.1\nnot a setting\n")
    env["DEVENV_SETTINGS"] = str(bad)
    result = run(env, "load_settings")
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["==> devenv: ERROR: step provision: %s: not KEY=value: not a setting" % bad]
    missing = tmp_path / "missing.env"
    missing.write_text("VM_IP=10.0.0.1\n")
    env["DEVENV_SETTINGS"] = str(missing)
    assert "has no API_HOST_PORT" in run(env, "load_settings").stderr


def context_files(stage, context):
    """The build context files a stage's COPY/ADD instructions (not --from another stage) read."""
    import glob
    found = set()
    for keyword, args in stage["instructions"]:
        if keyword not in ("COPY", "ADD"):
            continue
        parts = json.loads(args) if args.startswith("[") else args.split()
        if any(p.startswith("--from=") for p in parts):
            continue
        for source in [p for p in parts if not p.startswith("--")][:-1]:
            for match in glob.glob(os.path.join(context, source)):
                if os.path.isdir(match):
                    found |= {os.path.join(d, n) for d, _, names in os.walk(match) for n in names}
                else:
                    found.add(os.path.normpath(match))
    return found


def test_a_change_to_anything_the_image_bakes_outside_the_code_mount_rebuilds_it(tmp_path, rendered):
    """In the VM the code mount hides what the image has at its mount path: editing those files
    needs no rebuild (README: code edits never need `vagrant provision`). Everything else the image
    takes from app/ (the Dockerfile, what the build stage copies, a file the runtime stage copies
    elsewhere, e.g. a config or module outside /app) is in the VM only through a rebuild, so
    `vagrant provision` must rebuild when it changes, or it keeps running the old one."""
    import shutil
    import app_container  # noqa: F401  (puts runtime_image on sys.path)
    import runtime_image
    from conftest import find
    spec = find(rendered, "Deployment", "app")["spec"]["template"]["spec"]
    host = {v["name"] for v in spec["volumes"] if "hostPath" in v}
    (container,) = [c for c in spec["containers"] if c["name"] == "app"]
    (mount,) = [m["mountPath"].rstrip("/") for m in container["volumeMounts"] if m["name"] in host]

    env, app = world(tmp_path)
    shutil.rmtree(str(app))
    shutil.copytree(os.path.join(ROOT, "app"), str(app), ignore=shutil.ignore_patterns("*.pyc"))
    stages = runtime_image.stages((app / "Dockerfile").read_text())
    baked = {str(app / "Dockerfile")}
    for stage in stages[:-1]:
        baked |= context_files(stage, str(app))
    files, _ = runtime_image.image_files(stages, str(app))
    baked |= {source for path, source in files.items() if not (path == mount or path.startswith(mount + "/"))}
    assert run(env, 'build_app_image "%s"' % app).stdout.strip() == "built"
    wrong = []
    for path in sorted(str(p) for p in app.rglob("*") if p.is_file()):
        with open(path, "a") as f:
            f.write("\n# changed\n")
        result = run(env, 'build_app_image "%s"' % app)
        expected = "built" if os.path.normpath(path) in baked else "unchanged"
        if result.stdout.strip() != expected:
            wrong.append("%s changed: %s, expected %s" % (os.path.relpath(path, str(app)), result.stdout.strip() or
                                                          result.stderr.strip(), expected))
    assert not wrong, "; ".join(wrong)
    assert len(baked) >= 2, baked  # the Dockerfile and the requirements at least
