"""Stand-in for the system commands provision/*.sh run on the VM (apt-get, apt-mark, apt-key,
dpkg-query, usermod, systemctl, curl, the k3s install script, k3s, docker, kubectl, ip, getent;
`sleep` is a shell wrapper that only logs and moves the simulated clock that `date` reads).

Each call is appended to $STANDIN_LOG as one JSON line {"cmd", "argv"} and acts on a small model
of the VM kept in $STANDIN_STATE (JSON): packages, services, images, cluster objects. Faults to
inject are keys of state["faults"]. Files the real commands would write go under $DEVENV_ROOT.
Invoked as: python provision_standin.py NAME ARGS... (by the wrappers test_provision_sim.py makes).
"""
import json
import os
import shlex
import shutil
import subprocess
import sys
import time

ROOT = os.environ["DEVENV_ROOT"]
STATE_PATH = os.environ["STANDIN_STATE"]
LOG_PATH = os.environ["STANDIN_LOG"]

# k3s's own kubeconfig, in its format (shared with test_provision_lib.py).
K3S_YAML = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "k3s-kubeconfig")).read()


def load():
    with open(STATE_PATH) as f:
        return json.load(f)


def save(state):
    tmp = STATE_PATH + ".tmp"
    with open(tmp, "w") as f:
        json.dump(state, f, indent=1, sort_keys=True)
    os.replace(tmp, STATE_PATH)


def record(entry):
    with open(LOG_PATH, "a") as f:
        f.write(json.dumps(entry) + "\n")


def rooted(path):
    return os.path.join(ROOT, path.lstrip("/"))


def out(text):
    sys.stdout.write(text)
    sys.stdout.flush()


def err(text, code=1):
    sys.stderr.write(text.rstrip("\n") + "\n")
    return code


# --- apt, dpkg ----------------------------------------------------------------------------------

def apt_get(state, args):
    faults = state["faults"]
    if faults.get("apt_lock_calls", 0) > 0:
        faults["apt_lock_calls"] -= 1
        return err("E: Could not get lock /var/lib/dpkg/lock - open (11: Resource temporarily unavailable)\n"
                   "E: Unable to lock the administration directory (/var/lib/dpkg/), is another process using it?",
                   100)
    if "update" in args:
        return 0
    if "install" in args:
        words = args[args.index("install") + 1:]
        specs = [a.partition("=") for i, a in enumerate(words)
                 if not a.startswith("-") and (i == 0 or words[i - 1] != "-o")]  # -o takes a value
        # apt 1.2 (xenial) refuses, with -y, a downgrade without --allow-downgrades, then a change
        # of a held package without --allow-change-held-packages (apt-private/private-install.cc).
        changes = [(name, version) for name, _, version in specs
                   if version and name in state["packages"] and state["packages"][name] != version]
        if any(older(version, state["packages"][name]) for name, version in changes) \
                and "--allow-downgrades" not in args:
            return err("E: Packages were downgraded and -y was used without --allow-downgrades.", 100)
        if any(name in state["held"] for name, _ in changes) and "--allow-change-held-packages" not in args:
            return err("The following held packages will be changed:\n  %s\n"
                       "E: Held packages were changed and -y was used without --allow-change-held-packages."
                       % " ".join(name for name, _ in changes if name in state["held"]), 100)
        for name, _, version in specs:
            if not version and name in state["packages"]:
                continue  # installed, no version asked: apt keeps it
            state["packages"][name] = version or "latest"
            if name == "docker-ce":
                # The package's unit; its postinst reloads systemd, then enables and starts Docker
                # with the daemon.json and drop-ins it finds.
                os.makedirs(rooted("/lib/systemd/system"), exist_ok=True)
                with open(rooted(UNIT_FILES["docker"]), "w") as f:
                    f.write("[Service]\nType=notify\nExecStart=/usr/bin/dockerd -H fd://\n")
                record({"event": "docker installed",
                        "daemon_json": os.path.exists(rooted("/etc/docker/daemon.json"))})
                daemon_reload(state)
                started(state, "docker")
                state["services"]["docker"] = {"active": True, "enabled": True}
        return 0
    return err("apt-get stand-in: unexpected %r" % args, 2)


def older(version, than):
    """dpkg's own version order (dpkg --compare-versions is on this machine; it changes nothing)."""
    return subprocess.run([shutil.which("dpkg", path="/usr/bin:/bin"), "--compare-versions", version, "lt", than]
                          ).returncode == 0


def apt_mark(state, args):
    if args[:1] == ["hold"] and state["faults"].get("apt_lock_calls", 0) > 0:
        state["faults"]["apt_lock_calls"] -= 1
        # apt-mark hold runs `dpkg --set-selections`: xenial's dpkg 1.18 words the lock its own way.
        return err("dpkg: error: dpkg status database is locked by another process\n"
                   "E: Executing dpkg failed. Are you root?", 100)
    if args[:1] == ["showhold"]:
        out("".join(p + "\n" for p in sorted(state["held"])))
        return 0
    if args[:1] == ["hold"]:
        state["held"] = sorted(set(state["held"]) | set(args[1:]))
        out("".join("%s set on hold.\n" % p for p in args[1:]))
        return 0
    return err("apt-mark stand-in: unexpected %r" % args, 2)


def apt_key(state, args):
    if args[:1] == ["add"] and os.path.exists(args[1]):
        out("OK\n")
        return 0
    return err("gpg: no valid OpenPGP data found.", 2)


def dpkg_query(state, args):
    name = args[-1]
    if name in state["packages"]:
        out(state["packages"][name])
        return 0
    return err("dpkg-query: no packages found matching %s" % name, 1)


# --- systemd ------------------------------------------------------------------------------------

UNIT_FILES = {"docker": "/lib/systemd/system/docker.service", "k3s": "/etc/systemd/system/k3s.service"}
PROXY_NAMES = ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy")


def unit_config(unit):
    """Environment= and EnvironmentFile= of UNIT's file and its drop-ins, in systemd's order."""
    paths = [UNIT_FILES[unit]]
    dropins = "/etc/systemd/system/%s.service.d" % unit
    if os.path.isdir(rooted(dropins)):
        paths += ["%s/%s" % (dropins, n) for n in sorted(os.listdir(rooted(dropins))) if n.endswith(".conf")]
    config = {"environment": [], "environment_files": []}
    for path in paths:
        if not os.path.exists(rooted(path)):
            continue
        for line in open(rooted(path)):
            key, _, value = line.strip().partition("=")
            if key == "Environment":
                for item in shlex.split(value):
                    if "%" in item.replace("%%", ""):
                        # A lone % starts a unit specifier (systemd.unit); %4 and the like are none.
                        config["bad_specifier"] = item
                    config["environment"].append(item.replace("%%", "%"))
            elif key == "EnvironmentFile":
                config["environment_files"].append(value.replace("%N", unit))
    return config


def daemon_reload(state):
    state["loaded_units"] = {unit: unit_config(unit) for unit in UNIT_FILES}


def service_environment(state, unit):
    """What systemd gives UNIT's process: Environment= in order, then each EnvironmentFile= in
    order, later settings winning (systemd.exec). From the configuration loaded at the last
    daemon-reload: a unit file changed since then is not seen (systemd warns and goes on)."""
    config = state.get("loaded_units", {}).get(unit, {"environment": [], "environment_files": []})
    if "bad_specifier" in config:
        return None
    env = dict(item.partition("=")[::2] for item in config["environment"])
    for name in config["environment_files"]:
        path = name.lstrip("-")
        if not os.path.exists(rooted(path)):
            if name.startswith("-"):
                continue
            return None
        for line in open(rooted(path)):
            line = line.strip()
            if line and not line.startswith("#"):
                key, _, value = line.partition("=")
                env[key] = value
    return env


def started(state, unit):
    """Records a (re)start of UNIT with the proxy part of its environment; False if it fails."""
    env = service_environment(state, unit)
    if env is None:
        err("Failed to start %s.service: a missing EnvironmentFile= or a bad %% specifier." % unit)
        return False
    state.setdefault("service_env", {})[unit] = env
    record({"event": "service started", "unit": unit, "env": {k: v for k, v in env.items() if k in PROXY_NAMES}})
    return True


def start_k3s(state, blocking):
    """k3s.service is Type=notify with TimeoutStartSec=0 (install.sh's unit): a blocking start
    returns only once k3s reports ready. One that never does is simulated as a hang: an event and
    a failure, so a test sees it instead of waiting for ever."""
    service = state["services"].setdefault("k3s", {"active": False, "enabled": False})
    if not started(state, "k3s"):
        service["active"] = False
        return 1
    state["k3s_running_version"] = state["k3s_version"]
    faults = state["faults"]
    if faults.get("k3s_never_ready"):
        service["active"], service["activating_polls"] = False, -1
        if blocking:
            record({"event": "blocked for ever", "unit": "k3s"})
            return err("(stand-in) a blocking start of k3s.service that never becomes ready does not return", 124)
        return 0
    polls = faults.pop("k3s_start_polls", 0)
    service["active"], service["activating_polls"] = polls == 0, polls
    return 0


def systemctl(state, args):
    quiet = "--quiet" in args
    blocking = "--no-block" not in args
    args = [a for a in args if a not in ("--quiet", "--no-block")]
    verb, units = args[0], args[1:]
    services = state["services"]
    if verb == "daemon-reload":
        daemon_reload(state)
        return 0
    for unit in units:
        service = services.setdefault(unit, {"active": False, "enabled": False})
        if verb == "is-active":
            if not service["active"] and service.get("activating_polls", 0) > 0:
                service["activating_polls"] -= 1
                service["active"] = service["activating_polls"] == 0
            status = "active" if service["active"] else "activating" if service.get("activating_polls") else "inactive"
            if not quiet:
                out(status + "\n")
            return 0 if service["active"] else 3
        if verb == "is-enabled":
            return 0 if service["enabled"] else 1
        if verb in ("start", "restart"):
            if unit == "k3s" and not state["k3s_version"]:
                return err("Failed to %s k3s.service: Unit k3s.service not found." % verb, 5)
            if unit == "k3s":
                code = start_k3s(state, blocking)
                if code:
                    return code
            else:
                if unit in UNIT_FILES and not started(state, unit):
                    return 1
                service["active"] = True
        elif verb == "enable":
            service["enabled"] = True
        elif verb == "stop":
            service["active"] = False
        else:
            return err("systemctl stand-in: unexpected %r" % args, 2)
    return 0


# --- downloads and k3s --------------------------------------------------------------------------

def curl(state, args):
    target = args[args.index("-o") + 1]
    url = [a for a in args if a.startswith("https://")][0]
    if state["faults"].get("curl_fail"):
        return err("curl: (6) Could not resolve host: %s" % url.split("/")[2], 6)
    with open(target, "w") as f:
        if url.endswith("/install.sh"):
            # The k3s install script: hands over to this stand-in's k3s-install.
            f.write('#!/bin/sh\nexec k3s-install "$@"\n')
        else:
            f.write("-----BEGIN PGP PUBLIC KEY BLOCK-----\n")
    return 0


def k3s_install(state, args):
    import yaml
    config_path = rooted("/etc/rancher/k3s/config.yaml")
    config = None
    if os.path.exists(config_path):
        with open(config_path) as f:
            config = yaml.safe_load(f)
    record({"event": "k3s install script", "version": os.environ.get("INSTALL_K3S_VERSION"), "config": config,
            "skip_start": os.environ.get("INSTALL_K3S_SKIP_START"),
            "dropin": os.path.exists(rooted("/etc/systemd/system/k3s.service.d/10-after-docker.conf")),
            "docker_active": state["services"].get("docker", {}).get("active", False)})
    if state["faults"].get("k3s_install_fail"):
        return err("[ERROR]  Download failed", 1)
    before = state["k3s_version"]
    state["k3s_version"] = os.environ["INSTALL_K3S_VERSION"]
    os.makedirs(rooted("/etc/rancher/k3s"), exist_ok=True)
    with open(rooted("/etc/rancher/k3s/k3s.yaml"), "w") as f:
        f.write(K3S_YAML)
    # install.sh's create_env_file and create_systemd_service_file: the proxy it runs with
    # (grep -Ei '^(NO|HTTP|HTTPS)_PROXY') is kept in k3s.service.env, which the unit reads.
    os.makedirs(rooted("/etc/systemd/system"), exist_ok=True)
    with open(rooted("/etc/systemd/system/k3s.service.env"), "w") as f:
        f.write("".join("%s=%s\n" % (k, v) for k, v in sorted(os.environ.items())
                        if k.upper() in ("NO_PROXY", "HTTP_PROXY", "HTTPS_PROXY")))
    with open(rooted("/etc/systemd/system/k3s.service"), "w") as f:
        f.write("[Service]\nType=notify\nEnvironmentFile=-/etc/default/%N\nEnvironmentFile=-/etc/sysconfig/%N\n"
                "EnvironmentFile=-/etc/systemd/system/k3s.service.env\nTimeoutStartSec=0\n"
                "ExecStart=/usr/local/bin/k3s server\n")
    service = state["services"].setdefault("k3s", {"active": False, "enabled": False})
    service["enabled"] = True
    daemon_reload(state)  # systemd_enable
    # install.sh's service_enable_and_start: nothing started with INSTALL_K3S_SKIP_START=true;
    # otherwise a blocking `systemctl restart k3s` when the binary (or unit) changed.
    if os.environ.get("INSTALL_K3S_SKIP_START") != "true" and before != state["k3s_version"]:
        return start_k3s(state, blocking=True)
    return 0


def k3s(state, args):
    if args != ["--version"]:
        return err("k3s stand-in: unexpected %r" % args, 2)
    if not state["k3s_version"]:
        return err("k3s: command not found", 127)
    out("k3s version %s (24f4d5a3)\ngo version go1.24.6\n" % state["k3s_version"])
    # Amplified: more output than a pipe holds, so a reader that exits at its first match
    # (`| grep -q`) kills this writer with SIGPIPE, which pipefail turns into a failed pipeline.
    try:
        for _ in range(state["faults"].get("version_padding_lines", 0)):
            sys.stdout.write("x" * 79 + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        os._exit(141)
    return 0


# --- docker -------------------------------------------------------------------------------------

def docker(state, args):
    if args[:2] == ["image", "inspect"]:
        return 0 if args[2] in state["images"] else err("Error: No such image: %s" % args[2], 1)
    if args[:1] == ["build"]:
        tag, context = args[args.index("-t") + 1], args[-1]
        if state["faults"].get("build_pull_limit"):
            out("Sending build context to Docker daemon  12.3kB\nStep 1/14 : FROM alpine:3.7 AS build\n")
            return err("toomanyrequests: You have reached your pull rate limit. You may increase the limit by "
                       "authenticating and upgrading: https://www.docker.com/increase-rate-limit", 1)
        if state["faults"].get("build_fail") or not os.path.exists(os.path.join(context, "Dockerfile")):
            return err("The command '/bin/sh -c pip install' returned a non-zero code: 1", 1)
        advance(state["faults"].get("build_seconds", 0))
        state["images"][tag] = state["images"].get(tag, 0) + 1
        out("Successfully tagged %s\n" % tag)
        return 0
    if args[:1] == ["version"]:
        if not state["services"].get("docker", {}).get("active"):
            return err("Cannot connect to the Docker daemon at unix:///var/run/docker.sock.", 1)
        out("20.10.7\n")
        return 0
    return err("docker stand-in: unexpected %r" % args, 2)


# --- kubectl ------------------------------------------------------------------------------------

def api_up(state):
    if not state["services"].get("k3s", {}).get("active") or state["faults"].get("api_never"):
        return False
    if state["faults"].get("api_down_polls", 0) > 0:
        state["faults"]["api_down_polls"] -= 1
        return False
    return True


def render(directory):
    import yaml
    text = subprocess.run([os.environ["REAL_KUBECTL"], "kustomize", directory], check=True,
                          capture_output=True, text=True).stdout
    return [d for d in yaml.safe_load_all(text) if d]


def apply(state, directory):
    cluster = state["cluster"]
    errors = []
    for doc in render(directory):
        kind, name = doc["kind"], doc["metadata"]["name"]
        key = "%s/%s" % (kind, name)
        old = cluster.get(key)
        if kind == "Service" and old is not None:
            was, now = old["spec"].get("clusterIP"), doc["spec"].get("clusterIP")
            if (was == "None") != (now == "None"):
                errors.append('The Service "%s" is invalid: spec.clusterIP: Invalid value: "%s": field is immutable'
                              % (name, now))
                continue
        if kind == "StatefulSet" and old is not None and old["spec"]["serviceName"] != doc["spec"]["serviceName"]:
            errors.append('The StatefulSet "%s" is invalid: spec: Forbidden: updates to statefulset spec for fields '
                          "other than 'replicas', 'ordinals', 'template', 'updateStrategy', "
                          "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden" % name)
            continue
        cluster[key] = doc
        out("%s/%s %s\n" % (kind.lower(), name, "configured" if old else "created"))
    if errors:
        return err("\n".join("Error from server (Invalid): error when applying patch: %s" % e for e in errors), 1)
    return 0


APP_PODS_JSONPATH = ('jsonpath={range .items[*]}{.metadata.name}{" "}'
                     '{.status.containerStatuses[?(@.name=="app")].state.running.startedAt}{"\\n"}{end}')
FAILED_MOUNT_JSONPATH = 'jsonpath={range .items[*]}{.involvedObject.name}{" "}{.lastTimestamp}{"\\n"}{end}'
PODS_WAITING_JSONPATH = ('jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{" "}'
                         '{.status.initContainerStatuses[*].state.waiting.reason}{" "}'
                         '{.status.containerStatuses[*].state.waiting.reason}{"\\n"}{end}')
FAILED_EVENTS_JSONPATH = ('jsonpath={range .items[*]}{.involvedObject.namespace}/{.involvedObject.name}{"\\t"}'
                          '{.message}{"\\n"}{end}')
PULL_MESSAGES = {
    # kubelet: 'Failed to pull image %q: %v' (events.FailedToPullImage = "Failed").
    "limit": 'Failed to pull image "%s": Error response from daemon: toomanyrequests: You have reached your pull '
             'rate limit. You may increase the limit by authenticating and upgrading: '
             'https://www.docker.com/increase-rate-limit',
    "unknown": 'Failed to pull image "%s": Error response from daemon: manifest for %s not found: manifest unknown',
}


def pods_waiting(state, args):
    """`get pods -A -o jsonpath=...`: each pod with its containers' waiting reasons. Faults 'pulls'
    add pods; a pull that is not 'waiting' any more is Running."""
    if args != ["-o", PODS_WAITING_JSONPATH]:
        return err("kubectl stand-in: unexpected get pods -A %r" % args, 2)
    lines = ["%s/mysql-0  " % state["namespace"], "%s/app-1  " % state["namespace"], "kube-system/coredns-1  "]
    for pull in state["faults"].get("pulls", []):
        lines = [l for l in lines if not l.startswith(pull["pod"] + " ")]
        lines.append("%s  %s" % (pull["pod"], "ImagePullBackOff" if pull["waiting"] else ""))
    out("".join(l + "\n" for l in lines))
    return 0


def failed_events(state, args):
    if args != ["--field-selector", "reason=Failed", "-o", FAILED_EVENTS_JSONPATH]:
        return err("kubectl stand-in: unexpected get events -A %r" % args, 2)
    for pull in state["faults"].get("pulls", []):
        out("%s\t%s\n" % (pull["pod"], PULL_MESSAGES[pull["kind"]].replace("%s", pull["image"])))
    return 0


def kubectl(state, args):
    args = list(args)
    namespace = None
    if args[:1] == ["-n"]:
        namespace, args = args[1], args[2:]
    if args == ["get", "--raw", "/readyz"]:
        if api_up(state):
            out("ok")
            return 0
        return err("The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?")
    if not api_up(state):
        return err("The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?")
    if namespace and namespace != state["namespace"]:
        return err("stand-in: namespace %s, expected %s" % (namespace, state["namespace"]), 2)
    cluster = state["cluster"]
    kinds = {"deployment": "Deployment", "statefulset": "StatefulSet"}
    verb = args[0]
    if verb == "get" and args[1] == "nodes":
        status = "NotReady" if state["faults"].get("node_never_ready") else "Ready"
        out("devenv   %s   control-plane,master   2m   %s\n" % (status, state.get("k3s_running_version")))
        return 0
    if verb == "get" and args[1] in kinds:
        obj = cluster.get("%s/%s" % (kinds[args[1]], args[2]))
        if obj is None:
            return err('Error from server (NotFound): %ss.apps "%s" not found' % (args[1], args[2]))
        if "-o" in args and args[args.index("-o") + 1] == "jsonpath={.spec.serviceName}":
            out(obj["spec"]["serviceName"])
        else:
            out("NAME   READY   AGE\n%s   1/1   5m\n" % args[2])
        return 0
    if args == ["get", "pods", "-l", "app.kubernetes.io/name=app", "-o", APP_PODS_JSONPATH]:
        for pod in state["app_pods"]:
            # The kubelet starts a waiting container after start_after_polls looks.
            if not pod["running"] and pod.get("start_after_polls"):
                pod["start_after_polls"] -= 1
                pod["running"] = pod["start_after_polls"] == 0
            out("%s %s\n" % (pod["name"], "2027-01-15T08:00:09Z" if pod["running"] else ""))
        return 0
    if args[:3] == ["get", "pods", "-A"]:
        return pods_waiting(state, args[3:])
    if args[:3] == ["get", "events", "-A"]:
        return failed_events(state, args[3:])
    if verb == "get" and args[1] == "pods":
        out("NAME      READY   STATUS              RESTARTS   AGE\napp-1     0/1     ContainerCreating   0          5m\n")
        return 0
    if verb == "delete" and args[1] == "statefulset":
        if "--cascade=orphan" not in args:
            state["orphaned_pod_deleted"] = True
        cluster.pop("StatefulSet/%s" % args[2], None)
        out('statefulset.apps "%s" deleted\n' % args[2])
        return 0
    if verb == "apply" and args[1] == "-k":
        return apply(state, args[2])
    if verb == "rollout" and args[1] == "status":
        kind, name = args[2].split("/")
        if "%s/%s" % (kinds[kind], name) not in cluster:
            return err('Error from server (NotFound): %ss.apps "%s" not found' % (kind, name))
        blocked = [p for p in state["faults"].get("pulls", []) if p.get("blocks") == name]
        rounds = state["faults"].get("rollout_rounds", {})
        if rounds.get(name, 0) > 0:
            rounds[name] -= 1
            blocked.append(name)
        if name in state["faults"].get("rollout_timeout", []) or blocked:
            timeout = [a for a in args if a.startswith("--timeout=")]
            if timeout:
                advance(int(timeout[0][len("--timeout="):].rstrip("s")))
            out('Waiting for %s "%s" rollout to finish: 0 of 1 updated replicas are available...\n' % (kind, name))
            return err("error: timed out waiting for the condition")
        out('%s "%s" successfully rolled out\n' % (kind, name))
        return 0
    if verb == "rollout" and args[1] == "restart":
        kind, name = args[2].split("/")
        if "%s/%s" % (kinds[kind], name) not in cluster:
            return err('Error from server (NotFound): %ss.apps "%s" not found' % (kind, name))
        if name == "app":  # a new pod, started with the shared folder mounted
            number = len(state["app_pods_ever"]) + 1
            state["app_pods_ever"].append("app-%d" % number)
            state["app_pods"] = [{"name": "app-%d" % number, "running": True, "sees_code": True}]
        out("%s.apps/%s restarted\n" % (kind, name))
        return 0
    if verb == "get" and args[1] == "events" and "reason=FailedMount,involvedObject.kind=Pod" in args:
        if args[1:] != ["events", "--field-selector", "reason=FailedMount,involvedObject.kind=Pod", "-o",
                        FAILED_MOUNT_JSONPATH]:
            return err("kubectl stand-in: unexpected %r" % args, 2)
        for event in state["failed_mounts"]:
            out("%s %s\n" % (event["pod"], event["lastTimestamp"]))
        return 0
    if verb == "exec" and args[2:] == ["-c", "app", "--", "test", "-f", "/app/application.py"]:
        pod = [p for p in state["app_pods"] if p["name"] == args[1]]
        if not pod or not pod[0]["running"]:
            return err('error: unable to upgrade connection: container not found ("app")')
        if state["faults"].get("exec_errors", 0) > 0:  # the API cannot reach the kubelet yet
            state["faults"]["exec_errors"] -= 1
            return err("error: unable to upgrade connection: dial tcp 192.168.56.10:10250: connect: connection refused")
        return 0 if pod[0]["sees_code"] else err("command terminated with exit code 1")
    return err("kubectl stand-in: unexpected %r" % args, 2)


# --- the rest -----------------------------------------------------------------------------------

def ip(state, args):
    if args != ["-o", "-4", "addr", "show"]:
        return err("ip stand-in: unexpected %r" % args, 2)
    out("1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n"
        "2: enp0s3    inet 10.0.2.15/24 brd 10.0.2.255 scope global enp0s3\\       valid_lft forever\n"
        "3: enp0s8    inet %s/24 scope global enp0s8\\       valid_lft forever\n"
        "4: docker0    inet 172.17.0.1/16 scope global docker0\\       valid_lft forever\n" % state["vm_ip"])
    return 0


def getent(state, args):
    """`getent hosts NAME`: answers unless the VM's DNS is broken (fault dns_broken), or for the
    first dns_fail_calls lookups (a network still coming up)."""
    if args[:1] != ["hosts"] or len(args) != 2:
        return err("getent stand-in: unexpected %r" % args, 2)
    faults = state["faults"]
    if faults.get("dns_fail_calls", 0) > 0:
        faults["dns_fail_calls"] -= 1
        return 2
    if faults.get("dns_broken"):
        return 2
    out("203.0.113.7     %s\n" % args[1])
    return 0


def now(state):
    """The VM's clock: a base, plus every simulated wait (sleep, a rollout round, a build)."""
    with open(os.environ["STANDIN_CLOCK"]) as f:
        return state["clock_base"] + int(sum(float(l) for l in f if l.strip()))


def advance(seconds):
    with open(os.environ["STANDIN_CLOCK"], "a") as f:
        f.write("%s\n" % seconds)


def date(state, args):
    """`date +%s`, and `date -u -d @EPOCH +FORMAT`."""
    if args == ["+%s"]:
        out("%d\n" % now(state))
        return 0
    if len(args) == 4 and args[:2] == ["-u", "-d"] and args[2].startswith("@") and args[3].startswith("+"):
        out(time.strftime(args[3][1:], time.gmtime(int(args[2][1:]))) + "\n")
        return 0
    return err("date stand-in: unexpected %r" % args, 2)


def usermod(state, args):
    return 0 if args == ["-aG", "docker", "vagrant"] else err("usermod stand-in: unexpected %r" % args, 2)


COMMANDS = {"apt-get": apt_get, "apt-mark": apt_mark, "apt-key": apt_key, "dpkg-query": dpkg_query,
            "systemctl": systemctl, "curl": curl, "k3s-install": k3s_install, "k3s": k3s, "docker": docker,
            "kubectl": kubectl, "ip": ip, "usermod": usermod, "getent": getent, "date": date}


def main():
    name, args = sys.argv[1], sys.argv[2:]
    entry = {"cmd": name, "argv": args}
    proxy_env = {k: os.environ[k] for k in PROXY_NAMES if k in os.environ}
    if proxy_env:
        entry["env"] = proxy_env
    record(entry)
    state = load()
    code = COMMANDS[name](state, args)
    save(state)
    return code


if __name__ == "__main__":
    sys.exit(main())
