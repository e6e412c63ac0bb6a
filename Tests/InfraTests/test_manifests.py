"""Policy tests on the rendered manifests: the shared contract and the security/operability rules."""
import re

from conftest import find


def workloads(docs):
    return [d for d in docs if d["kind"] in ("Deployment", "StatefulSet")]


def containers(doc):
    spec = doc["spec"]["template"]["spec"]
    return spec.get("initContainers", []) + spec["containers"]


def test_contract_names_and_labels(rendered):
    assert find(rendered, "Namespace", "devenv")
    for doc in rendered:
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == "devenv", doc["metadata"]["name"]
    app = find(rendered, "Deployment", "app")
    mysql = find(rendered, "StatefulSet", "mysql")
    assert [c["name"] for c in app["spec"]["template"]["spec"]["containers"]] == ["app"]
    assert [c["name"] for c in mysql["spec"]["template"]["spec"]["containers"]] == ["mysql"]
    assert app["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"] == "app"
    assert mysql["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"] == "mysql"
    assert find(rendered, "Secret", "mysql-credentials")


def test_mysql_data_is_on_the_pvc(rendered):
    pvc = find(rendered, "PersistentVolumeClaim", "mysql-data")
    assert pvc["spec"]["storageClassName"] == "local-path"
    assert pvc["spec"]["accessModes"] == ["ReadWriteOnce"]
    mysql = find(rendered, "StatefulSet", "mysql")
    spec = mysql["spec"]["template"]["spec"]
    claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in spec["volumes"] if "persistentVolumeClaim" in v}
    mounts = {m["mountPath"]: m["name"] for m in spec["containers"][0]["volumeMounts"]}
    assert claims[mounts["/var/lib/mysql"]] == "mysql-data"
    assert mysql["spec"]["replicas"] == 1


def test_code_is_mounted_from_the_shared_folder(rendered):
    spec = find(rendered, "Deployment", "app")["spec"]["template"]["spec"]
    volumes = {v["name"]: v for v in spec["volumes"]}
    mounts = {m["mountPath"]: m for m in spec["containers"][0]["volumeMounts"]}
    code = volumes[mounts["/app"]["name"]]
    assert code["hostPath"] == {"path": "/vagrant/app", "type": "Directory"}


def test_portable_base_has_no_host_mount(portable):
    spec = find(portable, "Deployment", "app")["spec"]["template"]["spec"]
    assert not any("hostPath" in v for v in spec.get("volumes", []))


def test_credentials_only_by_reference(rendered):
    secret = find(rendered, "Secret", "mysql-credentials")
    passwords = [v for k, v in secret["stringData"].items() if "PASSWORD" in k]
    assert passwords
    for doc in workloads(rendered):
        text = repr(doc)
        for password in passwords:
            assert password not in text, "%s contains a literal password" % doc["metadata"]["name"]
        for c in containers(doc):
            for env in c.get("env", []):
                if "PASSWORD" in env["name"]:
                    assert "valueFrom" in env and "secretKeyRef" in env["valueFrom"], env
    app_env = {e["name"]: e for e in find(rendered, "Deployment", "app")["spec"]["template"]["spec"]["containers"][0]["env"]}
    for name in ("MYSQL_USERNAME", "MYSQL_PASSWORD", "MYSQL_DB"):
        assert app_env[name]["valueFrom"]["secretKeyRef"]["name"] == "mysql-credentials"
    assert app_env["MYSQL_HOST"]["value"] == "mysql"
    assert app_env["MYSQL_PORT"]["value"] == "3306"


def test_app_service_is_nodeport_30080(rendered):
    svc = find(rendered, "Service", "app")
    assert svc["spec"]["type"] == "NodePort"
    (port,) = svc["spec"]["ports"]
    assert port["nodePort"] == 30080 and port["port"] == 3000
    assert svc["spec"]["selector"] == {"app.kubernetes.io/name": "app"}
    mysql_svc = find(rendered, "Service", "mysql")
    assert mysql_svc["spec"]["ports"][0]["port"] == 3306


def test_app_image_is_local_and_never_pulled(rendered):
    c = find(rendered, "Deployment", "app")["spec"]["template"]["spec"]["containers"][0]
    assert c["image"] == "devenv-app:dev"
    assert c["imagePullPolicy"] == "Never"


def test_every_container_has_probes_and_resources(rendered):
    for doc in workloads(rendered):
        for c in containers(doc):
            where = "%s/%s" % (doc["metadata"]["name"], c["name"])
            assert "readinessProbe" in c and "livenessProbe" in c, where
            assert c["resources"]["requests"]["cpu"] and c["resources"]["requests"]["memory"], where
            assert c["resources"]["limits"]["memory"], where


def probe_script(probe):
    command = probe["exec"]["command"]
    assert command[:2] == ["sh", "-c"] and len(command) == 3, command
    return command[2]


def test_mysql_readiness_logs_in_as_the_app_user_liveness_pings(rendered):
    """`mysqladmin ping` exits 0 even on "Access denied": it proves the server runs, not that the
    app can log in. Readiness must log in with the app's own credentials to the app's database."""
    c = find(rendered, "StatefulSet", "mysql")["spec"]["template"]["spec"]["containers"][0]
    ready = probe_script(c["readinessProbe"])
    assert "mysqladmin" not in ready
    assert re.search(r"(^|\s)mysql\s", ready), ready
    assert 'MYSQL_PWD="$MYSQL_PASSWORD"' in ready and '-u "$MYSQL_USER"' in ready
    assert '-D "$MYSQL_DATABASE"' in ready and "-h 127.0.0.1" in ready
    assert "ROOT" not in ready
    for probe in ("livenessProbe", "startupProbe"):
        assert "mysqladmin ping" in probe_script(c[probe]), probe
    # The variables the probe uses come from the Secret the entrypoint set the user up with.
    assert {"name": "mysql-credentials"} in [e["secretRef"] for e in c["envFrom"]]
    keys = find(rendered, "Secret", "mysql-credentials")["stringData"]
    assert {"MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DATABASE"} <= set(keys)


def test_statefulset_is_governed_by_a_headless_service(rendered):
    sts = find(rendered, "StatefulSet", "mysql")
    governing = find(rendered, "Service", sts["spec"]["serviceName"])
    assert governing["spec"]["clusterIP"] == "None"
    assert governing["spec"]["selector"] == sts["spec"]["selector"]["matchLabels"]
    # The app's Service keeps its virtual IP (clusterIP is immutable: it stays a separate Service).
    assert find(rendered, "Service", "mysql")["spec"].get("clusterIP") != "None"


def test_provisioning_migrates_to_the_same_headless_service(rendered):
    from conftest import read
    sts = find(rendered, "StatefulSet", "mysql")
    assert "MYSQL_HEADLESS_SERVICE=%s\n" % sts["spec"]["serviceName"] in read("provision/app.sh")


def test_no_service_links_in_any_pod(rendered):
    for doc in workloads(rendered):
        assert doc["spec"]["template"]["spec"]["enableServiceLinks"] is False, doc["metadata"]["name"]


def test_nodeport_and_namespace_agree_with_settings(rendered, portable):
    from conftest import settings
    s = settings()
    for docs in (rendered, portable):
        svc = find(docs, "Service", "app")
        assert [p["nodePort"] for p in svc["spec"]["ports"]] == [int(s["APP_NODE_PORT"])]
        assert find(docs, "Namespace", s["NAMESPACE"])
        for doc in docs:
            if doc["kind"] != "Namespace":
                assert doc["metadata"]["namespace"] == s["NAMESPACE"], doc["metadata"]["name"]


def test_app_runs_as_non_root(rendered):
    spec = find(rendered, "Deployment", "app")["spec"]["template"]["spec"]
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["runAsUser"] != 0
    c = spec["containers"][0]
    assert c["securityContext"]["allowPrivilegeEscalation"] is False
    assert c["securityContext"]["capabilities"]["drop"] == ["ALL"]


def test_image_tags_are_pinned(rendered):
    for doc in workloads(rendered):
        for c in containers(doc):
            image = c["image"]
            assert ":" in image and not image.endswith(":latest"), image
    mysql = find(rendered, "StatefulSet", "mysql")["spec"]["template"]["spec"]["containers"][0]
    assert mysql["image"] == "mysql:5.7.44"


def test_no_host_ports_or_privileged_containers(rendered):
    for doc in workloads(rendered):
        spec = doc["spec"]["template"]["spec"]
        assert not spec.get("hostNetwork")
        for c in containers(doc):
            assert not c.get("securityContext", {}).get("privileged")
            assert not any("hostPort" in p for p in c.get("ports", []))


def test_dockerfile_policy():
    from conftest import read
    # Instructions only: a commented-out line satisfies nothing.
    text = "\n".join(l for l in read("app/Dockerfile").splitlines() if not l.lstrip().startswith("#"))
    froms = re.findall(r"^FROM\s+(\S+)", text, re.M)
    assert froms and all(f == "alpine:3.7" for f in froms), froms
    user = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert user and re.match(r"^[1-9][0-9]*(:[0-9]+)?$", user[-1]), user
    assert re.search(r'^CMD \["gunicorn", "--config", "/app/gunicorn.conf.py"', text, re.M)
    assert "EXPOSE 3000" in text and "WORKDIR /app" in text
    runtime = text.split("\nFROM alpine:3.7\n", 1)[1]
    assert "build-base" not in runtime and "-dev" not in runtime, "build tools in the runtime stage"
    assert "mariadb-client-libs" in runtime and "python2" in runtime


def test_requirements_are_fully_pinned():
    from conftest import read
    pins = [l for l in read("app/requirements.txt").splitlines() if l.strip() and not l.startswith("#")]
    assert all(re.match(r"^[A-Za-z0-9_.-]+==[0-9][0-9A-Za-z.]*$", p) for p in pins), pins
    names = {p.split("==")[0] for p in pins}
    assert {"Flask", "MySQL-python", "gunicorn", "Werkzeug", "Jinja2", "itsdangerous", "click", "MarkupSafe"} <= names


def test_gunicorn_config_contract():
    """Read as Python (top-level assignments), not as text: a comment configures nothing."""
    import ast
    from conftest import read
    tree = ast.parse(read("app/gunicorn.conf.py"))
    settings = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            settings[node.targets[0].id] = node.value
    literal = {k: ast.literal_eval(v) for k, v in settings.items() if isinstance(v, ast.Constant)}
    assert literal.get("reload_engine") == "poll"
    assert literal.get("sendfile") is False
    assert literal.get("accesslog") == "-" and literal.get("errorlog") == "-"
    assert "reload" in settings
    bind = [n.value for n in ast.walk(settings["bind"]) if isinstance(n, ast.Constant)]
    assert "0.0.0.0:3000" in bind, bind
