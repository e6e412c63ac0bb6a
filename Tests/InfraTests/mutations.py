"""Mutation check for the infra suite: applies each known-bad edit to a COPY of the repo, runs the
infra tests there and reports which test catches it. Every fix for issues 9, 10 and 12 has one.
Not part of the suite (slow: one pytest run per mutation).

    python Tests/InfraTests/mutations.py [COPY_DIR]     # default: a fresh copy under /tmp
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))

# (file, exact text, replacement, what the mutation breaks)
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
    ("provision/docker.sh", "--no-install-recommends apt-transport-https", "apt-transport-https",
     "docker.sh: recommends installed"),
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
]


def run_suite(copy):
    env = dict(os.environ)
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", "."],
                            cwd=os.path.join(copy, "Tests", "InfraTests"), env=env, capture_output=True, text=True)
    failed = re.findall(r"^FAILED (\S+)", result.stdout, re.M)
    return result.returncode, failed


def main():
    copy = sys.argv[1] if len(sys.argv) > 1 else os.path.join(tempfile.mkdtemp(), "repo")
    if not os.path.exists(copy):
        shutil.copytree(REPO, copy, ignore=shutil.ignore_patterns(".git", ".build*", ".tools", ".vagrant"))
    rc, failed = run_suite(copy)
    assert rc == 0, "the suite fails before any mutation: %s" % failed
    survivors = 0
    for path, old, new, what in MUTATIONS:
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
            rc, failed = run_suite(copy)
        finally:
            with open(target, "w") as f:
                f.write(original)
        if rc == 0:
            survivors += 1
            print("SURVIVED %s" % what)
        else:
            print("caught  %-60s by %s" % (what, failed[0] if failed else "(collection error)"))
        sys.stdout.flush()
    print("%d of %d mutations survived" % (survivors, len(MUTATIONS)))
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
