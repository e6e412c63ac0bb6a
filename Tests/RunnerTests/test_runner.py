"""scripts/test itself: it runs on a scratch copy of the repo's runner (scripts/, .ci/) with small
suites written here, a fault is injected, and the last line and exit status must say so.

The installed tools are shared through TEST_TOOLS_DIR (set by scripts/test), so each run takes
about a second; every run gets its own reports folder."""
import json
import os
import re
import shutil
import stat
import subprocess
import textwrap

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed(, \d+ skipped)?$")

STATIC_CHECKS = """\
#!/usr/bin/env bash
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/lib/check.sh
check "fixture check" test -f Tests/InfraTests/test_policy.py
echo "static-checks: done"
"""

POLICY_TESTS = """\
def test_one():
    assert 1 + 1 == 2


def test_two():
    assert "two".upper() == "TWO"
"""

# A stand-in `swift`: builds nothing; `swift test` writes a Swift Testing report whose one test
# fails when UPDATE_GOLDEN reached it (the real golden tests fail in that mode, on purpose).
# Its faults are switched on by files beside it: scripts/test passes no variable it does not know.
FAKE_SWIFT = """\
#!/usr/bin/env python3
import os, sys
here = os.path.dirname(os.path.abspath(__file__))
def fault(name):
    return os.path.exists(os.path.join(here, name))
args = sys.argv[1:]
if args[:1] == ["test"]:
    out = args[args.index("--xunit-output") + 1]
    base = out[:-len(".xml")] + "-swift-testing.xml"
    if fault("FAKE_SWIFT_NO_REPORT"):
        sys.exit(0)
    inner = '<failure message="UPDATE_GOLDEN reached swift test"/>' if "UPDATE_GOLDEN" in os.environ else ""
    with open(base, "w") as f:
        f.write('<testsuites><testsuite name="t" tests="1"><testcase classname="Golden" name="screens">'
                + inner + '</testcase></testsuite></testsuites>')
    sys.exit(1 if inner else 0)
# `swift build`: SwiftPM's note about ncursesw.pc's flags always; a compiler warning when asked.
print("warning: prohibited flag(s): -D_DEFAULT_SOURCE, -D_XOPEN_SOURCE=600")
if fault("FAKE_SWIFT_WARNING"):
    print("/repo/Sources/A.swift:1:5: warning: variable 'x' was never used")
sys.exit(0)
"""


class Scratch:
    def __init__(self, tmp_path):
        self.root = tmp_path / "repo"
        for part in ("scripts", ".ci"):
            shutil.copytree(os.path.join(ROOT, part), str(self.root / part))
        # setup() keys the Python 2.7 install on this file's hash: the real one matches the shared tools.
        (self.root / "Tests" / "AppTests").mkdir(parents=True)
        shutil.copy(os.path.join(ROOT, "Tests", "AppTests", "requirements.txt"), str(self.root / "Tests" / "AppTests"))
        infra = self.root / "Tests" / "InfraTests"
        infra.mkdir()
        self.write("Tests/InfraTests/static-checks", STATIC_CHECKS, executable=True)
        self.write("Tests/InfraTests/test_policy.py", POLICY_TESTS)
        for folder in ("ClusterProbeTests", "DevTUITests", "EndToEnd"):
            (self.root / "Tests" / folder).mkdir()
        self.bin = tmp_path / "bin"
        self.bin.mkdir()
        self.write_at(self.bin / "swift", FAKE_SWIFT, executable=True)
        self.reports = tmp_path / "reports"
        self.counts(infra=2, swift=1)

    def counts(self, **suites):
        self.write("Tests/expected-counts", "# scratch\n" + "".join("%s %d\n" % kv for kv in sorted(suites.items())))

    def fault(self, name):
        """Switches on one of the stand-in swift's faults."""
        (self.bin / name).write_text("")

    def write(self, rel, text, executable=False):
        self.write_at(self.root / rel, text, executable)

    def write_at(self, path, text, executable=False):
        path.write_text(text)
        if executable:
            path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)

    def run(self, *suites, **env):
        full = dict(os.environ)
        full.update(env)
        full["PATH"] = str(self.bin) + os.pathsep + full["PATH"]
        full["TEST_REPORTS_DIR"] = str(self.reports)
        full.setdefault("TEST_TOOLS_DIR", os.path.join(ROOT, ".tools"))
        proc = subprocess.run(["bash", "scripts/test"] + list(suites), cwd=str(self.root), env=full,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                              timeout=300)
        lines = proc.stdout.strip().splitlines()
        match = SUMMARY.match(lines[-1]) if lines else None
        assert match, "no summary line at the end:\n" + proc.stdout[-3000:]
        return proc.returncode, int(match.group(1)), int(match.group(2)), proc.stdout


@pytest.fixture
def scratch(tmp_path):
    return Scratch(tmp_path)


def test_a_sound_run_is_green_and_counts_every_check(scratch):
    rc, passed, failed, out = scratch.run("infra")
    # fixture check + static-checks ran to the end + 2 policy tests + the runner's exit status
    assert (rc, passed, failed) == (0, 5, 0), out


def test_static_checks_not_executable_is_a_failure(scratch):
    path = scratch.root / "Tests" / "InfraTests" / "static-checks"
    path.chmod(0o644)
    rc, passed, failed, out = scratch.run("infra")
    assert rc != 0 and failed >= 1, out
    assert "FAIL  static-checks ran to the end" in out


def test_static_checks_exiting_early_with_success_is_a_failure(scratch):
    scratch.write("Tests/InfraTests/static-checks",
                  STATIC_CHECKS.replace('check "fixture check"', 'exit 0\ncheck "fixture check"'), executable=True)
    rc, passed, failed, out = scratch.run("infra")
    assert rc != 0 and failed == 1, out
    assert "stopped before its last check" in out


def test_a_missing_suite_folder_is_a_failure_not_a_skip(scratch):
    shutil.rmtree(str(scratch.root / "Tests" / "EndToEnd"))
    rc, passed, failed, out = scratch.run("infra", "e2e")
    assert rc != 0 and failed == 1, out
    assert "FAIL  e2e: Tests/EndToEnd exists" in out


def test_inherited_pytest_addopts_cannot_deselect_tests(scratch):
    rc, passed, failed, out = scratch.run("infra", PYTEST_ADDOPTS="-k test_one")
    assert (rc, passed, failed) == (0, 5, 0), out
    assert "2 passed" in out


def test_inherited_update_golden_never_reaches_swift_test(scratch):
    rc, passed, failed, out = scratch.run("swift", UPDATE_GOLDEN="1")
    # swift build + no compiler warnings + the one golden test + swift test's exit status
    assert (rc, passed, failed) == (0, 4, 0), out


def test_a_compiler_warning_fails_the_swift_suite(scratch):
    scratch.fault("FAKE_SWIFT_WARNING")
    rc, passed, failed, out = scratch.run("swift")
    assert rc != 0 and failed == 1, out
    assert "FAIL  swift: no compiler warnings" in out
    assert "variable 'x' was never used" in out
    assert "prohibited flag" not in out.split("FAIL  swift: no compiler warnings")[1].split("==")[0]


def test_a_runner_that_reports_no_test_is_a_failure(scratch):
    scratch.fault("FAKE_SWIFT_NO_REPORT")
    rc, passed, failed, out = scratch.run("swift")
    assert rc != 0 and failed == 1, out
    assert "nothing ran" in out


def test_a_suite_with_no_tests_is_a_failure(scratch):
    (scratch.root / "Tests" / "InfraTests" / "test_policy.py").unlink()
    rc, passed, failed, out = scratch.run("infra")
    assert rc != 0 and failed >= 1, out


def test_an_unknown_suite_is_a_usage_error(scratch):
    proc = subprocess.run(["bash", "scripts/test", "nosuch"], cwd=str(scratch.root),
                          env=dict(os.environ, PATH=str(scratch.bin) + os.pathsep + os.environ["PATH"],
                                   TEST_REPORTS_DIR=str(scratch.reports),
                                   TEST_TOOLS_DIR=os.environ.get("TEST_TOOLS_DIR", os.path.join(ROOT, ".tools"))),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=120)
    assert proc.returncode == 2, proc.stdout
    assert "unknown suite: nosuch" in proc.stdout


def test_only_the_shared_golden_check_reads_update_golden():
    """Each golden suite once had its own check that rewrote and passed under UPDATE_GOLDEN=1; the
    one in Tests/DevTUITests/Support.swift fails in that mode, and no other may read the switch."""
    readers = []
    for folder, _, files in os.walk(os.path.join(ROOT, "Tests")):
        for name in files:
            if name.endswith(".swift"):
                path = os.path.join(folder, name)
                with open(path) as f:
                    if "UPDATE_GOLDEN" in f.read():
                        readers.append(os.path.relpath(path, ROOT))
    assert readers == ["Tests/DevTUITests/Support.swift"], readers


def test_a_failing_check_with_a_huge_output_is_still_recorded(scratch):
    # 200 kB of output: too long for one argument to junit.py, which once dropped the failure.
    scratch.write("Tests/InfraTests/static-checks", STATIC_CHECKS.replace(
        'check "fixture check" test -f Tests/InfraTests/test_policy.py',
        'check "fixture check" sh -c \'head -c 200000 /dev/zero | tr "\\\\0" x; exit 1\''), executable=True)
    rc, passed, failed, out = scratch.run("infra")
    assert rc != 0 and failed == 1, out
    assert "FAILED check: fixture check" in out


def test_a_skipped_test_is_not_a_pass(scratch):
    scratch.write("Tests/InfraTests/test_policy.py", POLICY_TESTS + '''

def test_three():
    import pytest
    pytest.skip("cannot run here")
''')
    rc, passed, failed, out = scratch.run("infra")
    assert rc != 0 and failed >= 1, out
    assert "(skipped: cannot run here)" in out


# The names a test may see: the allow-list in scripts/test, what it exports itself, and pytest's own.
ALLOWED_ENVIRONMENT = {"PATH", "HOME", "USER", "LOGNAME", "SHELL", "TMPDIR", "LANG", "LC_ALL", "CI", "PYENV_ROOT",
                       "PYTHON27", "CHECK_REPORT", "PYTEST_CURRENT_TEST", "PYTEST_VERSION",
                       "SHLVL", "_"}  # the last two: bash sets them for every child


def test_tests_see_only_an_allow_listed_environment(scratch):
    """GUNICORN_WORKERS=1 in the caller's shell once reached the app harness and turned a caught bug
    green; the deny-list never named it. Nothing the runner does not know may reach a test."""
    scratch.write("Tests/InfraTests/test_env.py", """\
import json, os
def test_dump_environment():
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "env-seen.json"), "w") as f:
        json.dump(sorted(os.environ), f)
""")
    scratch.counts(infra=3)
    rc, passed, failed, out = scratch.run(
        "infra", GUNICORN_WORKERS="1", RELOAD_INTERVAL="9", MYSQL_HOST="elsewhere", MYSQL_PASSWORD="x",
        HTTP_PROXY="http://proxy.invalid:3128", https_proxy="http://proxy.invalid:3128", SOME_UNKNOWN_SWITCH="1",
        **{"BASH_FUNC_kubectl%%": "() {  echo shadowed\n}"})
    assert (rc, failed) == (0, 0), out
    seen = set(json.loads((scratch.root / "Tests" / "InfraTests" / "env-seen.json").read_text()))
    assert not seen - ALLOWED_ENVIRONMENT, sorted(seen - ALLOWED_ENVIRONMENT)
    assert "PATH" in seen and "CHECK_REPORT" in seen


def test_fewer_tests_than_recorded_is_a_failure(scratch):
    """A test file renamed so that pytest no longer collects it once gave a green run with 74 of 76."""
    scratch.counts(infra=3)
    rc, passed, failed, out = scratch.run("infra")
    assert rc != 0 and failed == 1, out
    assert "2 tests ran, Tests/expected-counts says 3 for 'infra'" in out


def test_more_tests_than_recorded_is_a_failure_until_recorded(scratch):
    scratch.counts(infra=1)
    rc, passed, failed, out = scratch.run("infra")
    assert rc != 0 and failed == 1, out
    assert "scripts/update-test-counts" in out


def test_a_suite_with_no_recorded_count_is_a_failure(scratch):
    scratch.counts(swift=1)
    rc, passed, failed, out = scratch.run("infra")
    assert rc != 0 and failed == 1, out
    assert "no line for 'infra'" in out


def test_update_test_counts_records_what_the_last_run_ran(scratch):
    shutil.copy(os.path.join(ROOT, "scripts", "update-test-counts"), str(scratch.root / "scripts"))
    subprocess.run(["git", "init", "-q", str(scratch.root)], check=True)
    scratch.counts(infra=7, swift=1)
    scratch.run("infra")
    proc = subprocess.run(["bash", "scripts/update-test-counts"], cwd=str(scratch.root),
                          env=dict(os.environ, TEST_REPORTS_DIR=str(scratch.reports)),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=60)
    assert proc.returncode == 0, proc.stdout
    assert (scratch.root / "Tests" / "expected-counts").read_text().splitlines()[1:] == ["infra 2", "swift 1"]
    rc, passed, failed, out = scratch.run("infra")
    assert (rc, failed) == (0, 0), out
