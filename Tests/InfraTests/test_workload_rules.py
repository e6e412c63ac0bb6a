"""Rules a pod has to follow to start, be reached and stop cleanly, checked on both renders
(manifests/ for the VM, manifests/base for any cluster) against what the container really runs
(app/Dockerfile and the Gunicorn config it names: app_container.py). Each rule is a bug that once
passed every other test; the docstrings say what the user would see."""
import math
import posixpath

import pytest

import app_container
from conftest import find

RENDERS = ("manifests", "manifests/base")


@pytest.fixture(params=RENDERS)
def docs(request, rendered, portable):
    return rendered if request.param == "manifests" else portable


def workloads(docs):
    return [d for d in docs if d["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job")]


def pod_spec(doc):
    return doc["spec"]["template"]["spec"]


def app_container_spec(docs):
    (c,) = [c for c in pod_spec(find(docs, "Deployment", "app"))["containers"] if c["name"] == "app"]
    return c


def inside(path, folder):
    path, folder = posixpath.normpath(path), posixpath.normpath(folder)
    return path == folder or path.startswith(folder.rstrip("/") + "/")


# ---- a read-only root filesystem leaves what the process writes writable --------------------------

# The container runtime mounts a writable tmpfs at /dev/shm whatever the root filesystem is: Docker's
# --read-only covers the image's filesystem only, not /dev/shm, /proc, /dev or the volumes (moby's
# daemon setMounts; docker-ce#459, in Docker 18.03, fixed /dev/shm turning read-only with it).
RUNTIME_WRITABLE = ("/dev/shm",)
# Python 2.7's tempfile._candidate_tempdir_list on POSIX: $TMPDIR, $TEMP, $TMP, these, then the working
# directory; gettempdir() takes the first one it can create a file in, or raises "No usable temporary
# directory" (Tests/AppTests/test_read_only_root.py runs it for real).
PYTHON_TEMP_DIRS = ("/tmp", "/var/tmp", "/usr/tmp")


def writable_paths(container):
    return [m["mountPath"] for m in container.get("volumeMounts", []) if not m.get("readOnly")] + \
        list(RUNTIME_WRITABLE)


def test_the_app_runs_on_a_read_only_root_filesystem(docs):
    assert app_container_spec(docs)["securityContext"]["readOnlyRootFilesystem"] is True


def test_a_read_only_root_leaves_gunicorn_a_writable_temp_dir(docs):
    """Gunicorn 19.10's master creates each worker's heartbeat file before it forks it
    (workers/workertmp.py: tempfile.mkstemp(dir=cfg.worker_tmp_dir)): with no writable temp dir the
    master exits with "No usable temporary directory" before any worker boots, and the pod
    crash-loops on every cluster. Its pid file and log files, if any, must be writable too."""
    c = app_container_spec(docs)
    if not c.get("securityContext", {}).get("readOnlyRootFilesystem"):
        pytest.skip("the app's root filesystem is writable")
    stages = app_container.dockerfile()
    settings = app_container.gunicorn_settings(c, stages)
    writable = writable_paths(c)
    cwd = app_container.working_dir(c, stages)

    def is_writable(path):
        return any(inside(posixpath.join(cwd, path), w) for w in writable)

    if settings["worker_tmp_dir"]:
        assert is_writable(settings["worker_tmp_dir"]), (
            "worker_tmp_dir %s is on the read-only root filesystem; writable: %s"
            % (settings["worker_tmp_dir"], writable))
    else:
        env = app_container.container_env(c, stages)
        candidates = [env[n] for n in ("TMPDIR", "TEMP", "TMP") if env.get(n)] + list(PYTHON_TEMP_DIRS) + [cwd]
        assert any(is_writable(d) for d in candidates), (
            "none of the temp dirs Python tries (%s) is a writable mount of the app container (%s): the "
            "Gunicorn master cannot create a worker's heartbeat file" % (", ".join(candidates), ", ".join(writable)))
    for name in ("pidfile", "accesslog", "errorlog"):
        path = settings[name]
        if path and path != "-":
            assert is_writable(posixpath.dirname(posixpath.join(cwd, path))), \
                "Gunicorn's %s %s is on the read-only root filesystem" % (name, path)


# ---- every port a probe or a Service uses is one the container declares and serves ----------------

def declared_port(container, port):
    """The containerPort a probe's or Service's port (a number or a name) means, or None."""
    for p in container.get("ports", []):
        if p.get("protocol", "TCP") != "TCP":
            continue
        if (isinstance(port, int) and p["containerPort"] == port) or p.get("name") == port:
            return p["containerPort"]
    return None


def handler_ports(container):
    """(where, port) of every probe and lifecycle hook that connects to the container."""
    found = []
    handlers = [(name, container.get(name)) for name in ("startupProbe", "readinessProbe", "livenessProbe")]
    handlers += [("lifecycle." + name, h) for name, h in container.get("lifecycle", {}).items()]
    for where, handler in handlers:
        for kind in ("tcpSocket", "httpGet", "grpc"):
            if handler and kind in handler:
                found.append(("%s.%s" % (where, kind), handler[kind]["port"]))
    return found


def test_every_probe_reaches_a_port_the_container_declares(docs):
    """A probe on a port nobody listens on never passes: the pod is never Ready (or is killed by
    its liveness probe) and `vagrant up` fails after its 300 s rollout wait."""
    checked = 0
    for doc in workloads(docs):
        for c in pod_spec(doc)["containers"]:
            for where, port in handler_ports(c):
                assert declared_port(c, port) is not None, "%s/%s %s port %r is not a containerPort: %s" % (
                    doc["metadata"]["name"], c["name"], where, port, c.get("ports"))
                checked += 1
    assert checked >= 2, "no probe connects to a port: the app's probes are gone"


def test_gunicorn_serves_every_declared_port_on_all_interfaces(docs):
    """The app's containerPort (what its probes and Service reach) is one Gunicorn binds, and on
    every interface: kubelet and the Service connect to the pod's IP, not to 127.0.0.1."""
    c = app_container_spec(docs)
    settings = app_container.gunicorn_settings(c, app_container.dockerfile())
    bound = app_container.bind_addresses(settings["bind"])
    declared = [p["containerPort"] for p in c.get("ports", []) if p.get("protocol", "TCP") == "TCP"]
    assert declared, "the app container declares no port"
    for port in declared:
        hosts = [host for host, bound_port in bound if bound_port == port]
        assert hosts, "the app container declares port %d, but Gunicorn binds %s" % (port, settings["bind"])
        assert any(h in ("0.0.0.0", "::", "") for h in hosts), \
            "Gunicorn binds port %d on %s only: unreachable from the pod's IP" % (port, hosts)


def selected(docs, service):
    selector = service["spec"].get("selector") or {}
    return [d for d in workloads(docs) if selector and
            all(d["spec"]["template"]["metadata"].get("labels", {}).get(k) == v for k, v in selector.items())]


def test_every_service_port_reaches_a_port_its_pods_declare(docs):
    """A Service whose targetPort the pod does not declare has no endpoint for it: the app's
    127.0.0.1:8080 or the app's connection to mysql:3306 is refused."""
    for service in [d for d in docs if d["kind"] == "Service"]:
        name = service["metadata"]["name"]
        pods = selected(docs, service)
        assert pods, "Service %s selects no workload" % name
        for port in service["spec"]["ports"]:
            target = port.get("targetPort", port["port"])
            for doc in pods:
                assert any(declared_port(c, target) is not None for c in pod_spec(doc)["containers"]), \
                    "Service %s port %s: targetPort %r is not a containerPort of %s" % (
                        name, port["port"], target, doc["metadata"]["name"])


# ---- stopping and restarting ----------------------------------------------------------------------

def test_mysql_has_time_for_a_clean_shutdown(docs):
    """On SIGTERM mysqld shuts down cleanly: InnoDB (innodb_fast_shutdown=1, the default) flushes its
    buffer pool to the data files and closes the redo log. Killed before that (SIGKILL when the grace
    period ends) the next start runs crash recovery, and MySQL 5.7's own system tables (mysql.*,
    MyISAM in 5.7) can be left marked as crashed. 30 s is Kubernetes' default; 5 s is less than a
    64 MB buffer pool flush can take on a VM's disk."""
    spec = pod_spec(find(docs, "StatefulSet", "mysql"))
    assert spec.get("terminationGracePeriodSeconds", 30) >= 30, spec.get("terminationGracePeriodSeconds")


def rolling_limits(deployment):
    """(maxSurge, maxUnavailable) in pods, as the Deployment controller computes them
    (pkg/controller/deployment/util ResolveFenceposts: surge rounds up, unavailable down, and both
    zero means one unavailable)."""
    replicas = deployment["spec"].get("replicas", 1)
    strategy = deployment["spec"].get("strategy", {})
    if strategy.get("type", "RollingUpdate") != "RollingUpdate":
        return 0, replicas
    rolling = strategy.get("rollingUpdate", {})

    def resolve(value, round_up):
        if isinstance(value, str) and value.endswith("%"):
            exact = int(value[:-1]) * replicas / 100.0
            return int(math.ceil(exact) if round_up else math.floor(exact))
        return int(value)

    surge = resolve(rolling.get("maxSurge", "25%"), True)
    unavailable = resolve(rolling.get("maxUnavailable", "25%"), False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def test_a_restart_keeps_a_ready_app_pod(docs):
    """`vagrant provision` after an image change restarts the app (rollout restart): with one
    replica, the old pod may go only once its successor is Ready (maxUnavailable 0, maxSurge >= 1),
    or every request meets "connection refused" until the new one is up."""
    for doc in [d for d in docs if d["kind"] == "Deployment"]:
        surge, unavailable = rolling_limits(doc)
        if doc["spec"].get("replicas", 1) == 1:
            assert unavailable == 0 and surge >= 1, \
                "Deployment %s: maxSurge %d, maxUnavailable %d pods" % (doc["metadata"]["name"], surge, unavailable)


def test_rolling_limits_follow_the_deployment_controller():
    def deployment(replicas, strategy):
        return {"spec": {"replicas": replicas, "strategy": strategy}}
    assert rolling_limits(deployment(1, {})) == (1, 0)  # 25% of one: surge rounds up, unavailable down
    assert rolling_limits(deployment(1, {"type": "Recreate"})) == (0, 1)
    assert rolling_limits(deployment(1, {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}})) == (0, 1)
    assert rolling_limits(deployment(4, {"rollingUpdate": {"maxSurge": "50%", "maxUnavailable": "30%"}})) == (2, 1)


# ---- host folders --------------------------------------------------------------------------------

def test_host_folders_are_mounted_read_only(rendered):
    """The code mount is the user's checkout: a container that can write to it can change or delete
    their source (as uid 10001, through the shared folder) and leaves files there the host user
    cannot remove."""
    found = 0
    for doc in workloads(rendered):
        spec = pod_spec(doc)
        host = {v["name"] for v in spec.get("volumes", []) if "hostPath" in v}
        for c in spec.get("initContainers", []) + spec["containers"]:
            for mount in c.get("volumeMounts", []):
                if mount["name"] in host:
                    found += 1
                    assert mount.get("readOnly") is True, "%s/%s mounts host folder %s writable" % (
                        doc["metadata"]["name"], c["name"], mount["mountPath"])
    assert found, "no host folder mounted: the live-code mount is gone"


def test_the_code_mount_replaces_the_code_the_command_loads(rendered):
    """Live code only when the host folder lands where Gunicorn loads the app from (the image's
    WORKDIR, or its --chdir): mounted elsewhere, the pod serves the code baked into the image."""
    c = app_container_spec(rendered)
    stages = app_container.dockerfile()
    settings = app_container.gunicorn_settings(c, stages)
    cwd = app_container.working_dir(c, stages)
    code = posixpath.join(cwd, settings["chdir"] or ".")
    spec = pod_spec(find(rendered, "Deployment", "app"))
    host = {v["name"] for v in spec["volumes"] if "hostPath" in v}
    mounted = [m["mountPath"] for m in c["volumeMounts"] if m["name"] in host]
    assert [posixpath.normpath(m) for m in mounted] == [posixpath.normpath(code)], (mounted, code)


# ---- what a container is given exists ------------------------------------------------------------

def keys_of(docs, kind, name):
    """The keys of a Secret or ConfigMap in the render, or None when it is not there."""
    found = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    if not found:
        return None
    return set(found[0].get("data", {})) | set(found[0].get("stringData", {}))


def known_env(docs, container):
    """The names the container's environment holds, with the missing references listed apart."""
    names, missing = set(), []
    for item in container.get("env", []):
        names.add(item["name"])
        ref = item.get("valueFrom", {})
        for field, kind in (("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap")):
            if field in ref and not ref[field].get("optional"):
                keys = keys_of(docs, kind, ref[field]["name"])
                if keys is None or ref[field]["key"] not in keys:
                    missing.append("env %s: %s %s has no key %s" % (item["name"], kind, ref[field]["name"],
                                                                    ref[field]["key"]))
    for source in container.get("envFrom", []):
        for field, kind in (("secretRef", "Secret"), ("configMapRef", "ConfigMap")):
            if field in source:
                keys = keys_of(docs, kind, source[field]["name"])
                if keys is None and not source[field].get("optional"):
                    missing.append("envFrom: no %s %s" % (kind, source[field]["name"]))
                names |= {source.get("prefix", "") + k for k in keys or ()}
    return names, missing


def test_every_reference_a_pod_makes_resolves(docs):
    """A secretKeyRef to a key the Secret lacks stops the container before it starts
    (CreateContainerConfigError), a claim that does not exist leaves the pod Pending: nothing
    else in the render notices either."""
    for doc in workloads(docs):
        spec = pod_spec(doc)
        for c in spec.get("initContainers", []) + spec["containers"]:
            _, missing = known_env(docs, c)
            assert not missing, "%s/%s: %s" % (doc["metadata"]["name"], c["name"], "; ".join(missing))
        for volume in spec.get("volumes", []):
            for field, kind, key in (("secret", "Secret", "secretName"), ("configMap", "ConfigMap", "name"),
                                     ("persistentVolumeClaim", "PersistentVolumeClaim", "claimName")):
                if field in volume and not volume[field].get("optional"):
                    name = volume[field][key]
                    assert [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name], \
                        "%s: volume %s needs %s %s" % (doc["metadata"]["name"], volume["name"], kind, name)


def test_exec_probes_use_only_variables_the_container_has(docs):
    """A probe's `sh -c` reading a variable the container lacks gets an empty string: MySQL's
    `MYSQL_PWD="$MYSQL_ROOT_PASSWORD" mysqladmin ping` then fails forever and the liveness probe
    restarts a healthy server."""
    import re
    for doc in workloads(docs):
        for c in pod_spec(doc)["containers"]:
            names, _ = known_env(docs, c)
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                command = " ".join(c.get(probe, {}).get("exec", {}).get("command", []))
                used = set(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", command))
                assert used <= names, "%s/%s %s reads %s, which its environment lacks" % (
                    doc["metadata"]["name"], c["name"], probe, ", ".join(sorted(used - names)))


def test_mysql_gets_a_root_password_and_listens_on_its_declared_port(docs):
    """The mysql image's entrypoint refuses an empty data folder without one of its root password
    settings ("Database is uninitialized and password option is not specified"); mysqld listens on
    3306 unless --port says otherwise, and that is the port its Services and the app use."""
    c = [c for c in pod_spec(find(docs, "StatefulSet", "mysql"))["containers"] if c["name"] == "mysql"][0]
    names, _ = known_env(docs, c)
    assert names & {"MYSQL_ROOT_PASSWORD", "MYSQL_ALLOW_EMPTY_PASSWORD", "MYSQL_RANDOM_ROOT_PASSWORD"}, names
    ports = [a.split("=", 1)[1] for a in c.get("args", []) if a.startswith("--port=")]
    listening = int(ports[-1]) if ports else 3306
    assert declared_port(c, listening) is not None, "mysqld listens on %d; declared: %s" % (listening, c["ports"])
