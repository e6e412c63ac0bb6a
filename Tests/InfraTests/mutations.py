"""Mutation check for the infra suite: applies each known-bad edit to a COPY of the repo, runs the
infra tests there and reports which test catches it. Every fix for issues 9, 10, 12 and 19 has one.
Not part of the suite (slow: one pytest run per mutation).

    python Tests/InfraTests/mutations.py [-k TEXT] [COPY_DIR]   # default: a fresh copy under /tmp

-k runs only the mutations whose description matches the regular expression TEXT. A mutation of the image (app/Dockerfile)
is judged by the offline image model (Tests/AppTests/test_runtime_image_model.py, Python 2.7 with
the app tests' packages: $PYTHON27 or pyenv's 2.7, and $TEST_TOOLS_DIR/py27 or .tools/py27).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))

# (file, exact text, replacement, what the mutation breaks[, suite]); suite: "infra" (default) or "image"
MUTATIONS = [
    ("provision/app.sh", '  kubectl -n "$ns" rollout restart deployment/app \\\n    || fail', "  true \\\n    || fail",
     "app.sh: no rollout restart after a rebuild"),
    ("provision/lib.sh", '  if ! kubectl -n "$NAMESPACE" rollout status', '  if kubectl -n "$NAMESPACE" rollout status',
     "lib.sh: wait_rollout condition inverted"),
    ("provision/app.sh", 'if [ "$result" = built ] && [ "$had_app" = yes ]; then', 'if [ "$result" = built ]; then',
     "app.sh: rollout restart right after the first apply"),
    ("provision/k3s.sh", 'installed=$(k3s --version 2>/dev/null || true)\nif [[ "$installed" == *"k3s version $K3S_VERSION "* ]]; then',
     'if k3s --version 2>/dev/null | grep -qF "$K3S_VERSION"; then', "k3s.sh: `k3s --version | grep -q` under pipefail"),
    ("provision/lib.sh", "prefer-bundled-bin: true\n", "", "k3s config without prefer-bundled-bin"),
    ("provision/lib.sh", "After=docker.service\n", "", "drop-in without After=docker.service"),
    ("provision/k3s.sh", 'if write_if_changed "$dropin" "$(render_k3s_dropin)"; then dropin_changed=yes; fi\n', "",
     "k3s.sh: no drop-in written"),
    ("provision/docker.sh", "  apt_get update -qq\n  # apt-transport-https", "  apt-get update -qq\n  # apt-transport-https",
     "docker.sh: apt-get without the lock wait"),
    ("provision/lib.sh", '    if [ "$waited" -ge "$APT_LOCK_WAIT" ]; then', '    if false; then',
     "lib.sh: apt lock wait unbounded"),
    ("provision/docker.sh", '--no-install-recommends "${keep_config[@]}" apt-transport-https',
     '"${keep_config[@]}" apt-transport-https', "docker.sh: recommends installed"),
    ("provision/docker.sh", 'if [ "$daemon_json_changed" = yes ]; then', "if true; then",
     "docker.sh: Docker restarted although daemon.json did not change"),
    ("provision/docker.sh", 'if write_if_changed "$DEVENV_ROOT/etc/docker/daemon.json"', 'if false && write_if_changed "$DEVENV_ROOT/etc/docker/daemon.json"',
     "docker.sh: no log rotation"),
    ("provision/app.sh", '  kubectl -n "$ns" delete statefulset mysql --cascade=orphan \\\n', '  true \\\n',
     "app.sh: no StatefulSet migration"),
    ("provision/app.sh", "delete statefulset mysql --cascade=orphan", "delete statefulset mysql",
     "app.sh: migration deletes the MySQL pod too"),
    ("provision/on-boot.sh", '[ "$api" = yes ] \\\n  || fail', '[ "$api" = yes ] \\\n  || true',
     "on-boot.sh: API never up is not a failure"),
    ("provision/on-boot.sh", 'kubectl -n "$ns" get deployment app >/dev/null 2>&1 \\\n  || fail "deployment/app is missing',
     'kubectl -n "$ns" get deployment app >/dev/null 2>&1 \\\n  || exit 0 "deployment/app is missing',
     "on-boot.sh: missing deployment exits 0"),
    ("provision/on-boot.sh", "  wait_rollout deployment app 180\n", "", "on-boot.sh: restart without a wait"),
    ("provision/lib.sh", "    sleep \"$APT_LOCK_POLL\"\n", "", "lib.sh: apt lock busy-loop without sleep"),
    ("manifests/base/app.yaml", "      enableServiceLinks: false\n", "", "app pod gets service links"),
    ("manifests/base/mysql.yaml", "      enableServiceLinks: false\n", "", "mysql pod gets service links"),
    ("manifests/base/mysql.yaml", "  serviceName: mysql-headless\n", "  serviceName: mysql\n",
     "StatefulSet governed by the ClusterIP Service"),
    ("manifests/base/mysql.yaml",
     """                - MYSQL_PWD="$MYSQL_PASSWORD" mysql -h 127.0.0.1 -u "$MYSQL_USER" -D "$MYSQL_DATABASE" -e 'SELECT 1'""",
     """                - MYSQL_PWD="$MYSQL_ROOT_PASSWORD" mysqladmin ping -h 127.0.0.1 -u root --silent""",
     "readiness back to mysqladmin ping"),
    ("Vagrantfile", 'ENV["VAGRANT_DEFAULT_PROVIDER"] = "virtualbox"\n', "", "provider not forced"),
    ("Vagrantfile", '  config.vbguest.auto_update = false if Vagrant.has_plugin?("vagrant-vbguest")\n',
     '  # config.vbguest.auto_update = false if Vagrant.has_plugin?("vagrant-vbguest")\n', "vbguest line commented out"),
    ("Vagrantfile", "if devenv_arm64_host?\n", "if false\n", "no arm64 stop"),
    ("Vagrantfile", 'vb.name = "#{VM_NAME}-#{File.basename(__dir__)}-#{Digest::SHA256.hexdigest(__dir__)[0, 8]}"',
     "vb.name = VM_NAME", "fixed vb.name"),
    ("Vagrantfile", 'Vagrant.require_version ">= 2.2.7"', 'Vagrant.require_version ">= 2.2.0"',
     "require_version admits Vagrant without VirtualBox 6.1 support"),
    ("Vagrantfile", 'VM_CPUS = devenv_integer(ENV.fetch("DEVENV_CPUS", SETTINGS.fetch("VM_CPUS")), "DEVENV_CPUS")',
     'VM_CPUS = devenv_integer(ENV.fetch("DEVENV_CPUS", "2"), "DEVENV_CPUS")', "CPU count written twice"),
    ("provision/docker.sh", "load_settings\n", 'load_settings\nDOCKER_VERSION="5:20.10.7~3-0~ubuntu-xenial"\n',
     "Docker pin written twice"),
    # ---- issue 19: what a user would suffer that no test noticed ----
    ("manifests/base/app.yaml",
     "          volumeMounts:\n            - name: tmp\n              mountPath: /tmp\n      volumes:\n"
     "        - name: tmp\n          emptyDir:\n            medium: Memory\n            sizeLimit: 16Mi\n", "",
     "app: /tmp mount removed under a read-only root (no worker boots)"),
    ("manifests/base/app.yaml", "              mountPath: /tmp\n", "              mountPath: /var/cache/app\n",
     "app: the writable mount moved off every temp dir Python tries"),
    ("manifests/base/app.yaml", "          readinessProbe:\n            tcpSocket:\n              port: http\n",
     "          readinessProbe:\n            tcpSocket:\n              port: 8080\n",
     "app: readiness probe on a port the container does not serve"),
    ("manifests/base/app.yaml", "          livenessProbe:\n            tcpSocket:\n              port: http\n",
     "          livenessProbe:\n            tcpSocket:\n              port: web\n",
     "app: liveness probe names a port the container does not declare"),
    ("manifests/base/app.yaml", "              containerPort: 3000\n", "              containerPort: 8000\n",
     "app: declared port is not the one Gunicorn binds"),
    ("manifests/base/app.yaml", "      targetPort: http\n", "      targetPort: 3001\n",
     "app Service sends traffic to a port the pod does not serve"),
    ("manifests/base/mysql.yaml", "            - name: mysql\n              containerPort: 3306\n",
     "            - name: mysqld\n              containerPort: 3306\n",
     "mysql Services' targetPort names a port the pod no longer declares"),
    ("Vagrantfile", 'mount_options: ["dmode=775", "fmode=664"]', 'mount_options: ["dmode=770", "fmode=660"]',
     "shared folder unreadable by the container's user 10001"),
    ("Vagrantfile", 'mount_options: ["dmode=775", "fmode=664"]', 'mount_options: ["umask=0027"]',
     "shared folder unreadable by others through umask"),
    ("app/Dockerfile", "COPY application.py gunicorn.conf.py ./", "COPY application.py ./",
     "image: the config the CMD names is not copied in", "image"),
    ("app/Dockerfile", "COPY application.py gunicorn.conf.py ./", "COPY gunicorn.conf.py ./",
     "image: the app module the CMD names is not copied in", "image"),
    ("app/Dockerfile", "COPY application.py gunicorn.conf.py ./", "COPY application.py gunicorn.conf.py /srv/",
     "image: code copied outside the WORKDIR the CMD runs in", "image"),
    ("manifests/base/mysql.yaml", "      terminationGracePeriodSeconds: 60\n", "      terminationGracePeriodSeconds: 5\n",
     "mysql killed 5 s after SIGTERM (before InnoDB's clean shutdown)"),
    ("manifests/base/app.yaml", "      maxUnavailable: 0\n", "      maxUnavailable: 1\n",
     "app rollout stops the only pod before its successor is Ready"),
    ("manifests/base/app.yaml", "    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 0\n",
     "    type: Recreate\n", "app rollout by Recreate (a gap in answers)"),
    ("manifests/live-code.yaml", "              readOnly: true\n", "", "code mount writable by the container"),
    ("manifests/base/app.yaml", "                  key: MYSQL_USER\n", "                  key: MYSQL_USERNAME\n",
     "app env reads a Secret key that does not exist"),
    ("manifests/base/secret.yaml", "  MYSQL_ROOT_PASSWORD: dev-only-root-password\n", "",
     "mysql gets no root password (entrypoint and probes need it)"),
    ("manifests/base/mysql.yaml",
     """command: ["sh", "-c", "MYSQL_PWD=\\"$MYSQL_ROOT_PASSWORD\\" mysqladmin ping -h 127.0.0.1 -u root --silent"]
            periodSeconds: 15""",
     """command: ["sh", "-c", "MYSQL_PWD=\\"$MYSQL_ROOT_PASS\\" mysqladmin ping -h 127.0.0.1 -u root --silent"]
            periodSeconds: 15""",
     "mysql liveness probe reads an unset variable"),
    ("manifests/base/app.yaml", '            - name: GUNICORN_WORKERS\n',
     '            - name: GUNICORN_BIND\n              value: "0.0.0.0:8000"\n            - name: GUNICORN_WORKERS\n',
     "app env moves Gunicorn off its declared port"),
    ("manifests/base/mysql.yaml", "            - --performance-schema=OFF\n",
     "            - --performance-schema=OFF\n            - --port=3307\n", "mysqld listens on an undeclared port"),
    ("Vagrantfile", 'node.vm.synced_folder ".", "/vagrant", mount_options:',
     'node.vm.synced_folder ".", "/vagrant", type: "rsync", mount_options:',
     "shared folder by rsync (edits never reach the VM)"),
    ("Vagrantfile", 'node.vm.synced_folder ".", "/vagrant", mount_options:',
     'node.vm.synced_folder ".", "/vagrant", disabled: true, mount_options:', "shared folder disabled"),
    ("app/Dockerfile", 'COPY application.py gunicorn.conf.py ./\nEXPOSE 3000\nCMD ["gunicorn", "--config", "/app/gunicorn.conf.py"',
     'COPY application.py ./\nCOPY gunicorn.conf.py /etc/gunicorn/\nEXPOSE 3000\n'
     'CMD ["gunicorn", "--config", "/etc/gunicorn/gunicorn.conf.py"',
     "config baked outside the code mount, edits never rebuilt into the VM"),
    ("provision/lib.sh", 'cat "$app_dir/Dockerfile" "$app_dir/requirements.txt"', 'cat "$app_dir/Dockerfile"',
     "image not rebuilt when app/requirements.txt changes"),
]


def python27():
    result = subprocess.run(["bash", "-c", '. "$1/scripts/lib/python27.sh" && find_python27', "-", REPO],
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit("mutations.py: %s" % result.stderr.strip())
    return result.stdout.strip()


def py27_packages():
    folder = os.path.join(os.environ.get("TEST_TOOLS_DIR") or os.path.join(REPO, ".tools"), "py27")
    if not os.path.isdir(os.path.join(folder, "gunicorn")):
        sys.exit("mutations.py: no app test packages in %s: run scripts/test app once, or set TEST_TOOLS_DIR" % folder)
    return folder


def run_suite(copy, suite="infra"):
    env = dict(os.environ)
    if suite == "infra":
        argv, cwd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", "."], "InfraTests"
    elif suite == "image":
        env.update(PYTHONPATH="%s:." % py27_packages(), PYTHONDONTWRITEBYTECODE="1")
        argv, cwd = [python27(), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", "-rf",
                     "test_runtime_image_model.py"], "AppTests"
    else:
        raise ValueError(suite)
    result = subprocess.run(argv, cwd=os.path.join(copy, "Tests", cwd), env=env, capture_output=True, text=True)
    failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", result.stdout, re.M)
    return result.returncode, failed


def main():
    args = sys.argv[1:]
    only = ""
    if args[:1] == ["-k"]:
        only, args = args[1], args[2:]
    mutations = [m if len(m) == 5 else m + ("infra",) for m in MUTATIONS if re.search(only, m[3])]
    copy = args[0] if args else os.path.join(tempfile.mkdtemp(), "repo")
    if not os.path.exists(copy):
        shutil.copytree(REPO, copy, symlinks=True, ignore=shutil.ignore_patterns(".git", ".build*", ".tools", ".vagrant"))
    for suite in sorted(set(m[4] for m in mutations)):
        rc, failed = run_suite(copy, suite)
        assert rc == 0, "the %s suite fails before any mutation: %s" % (suite, failed)
    survivors = 0
    for path, old, new, what, suite in mutations:
        target = os.path.join(copy, path)
        with open(target) as f:
            original = f.read()
        if original.count(old) != 1:
            print("STALE   %-60s (%s: text not found once)" % (what, path))
            survivors += 1
            continue
        with open(target, "w") as f:
            f.write(original.replace(old, new))
        try:
            rc, failed = run_suite(copy, suite)
        finally:
            with open(target, "w") as f:
                f.write(original)
        if rc == 0:
            survivors += 1
            print("SURVIVED %s" % what)
        else:
            print("caught  %-60s by %s" % (what, failed[0] if failed else "(collection error)"))
        sys.stdout.flush()
    print("%d of %d mutations survived" % (survivors, len(mutations)))
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
