#!/usr/bin/env python3
"""Stand-in for `kubectl`, `vagrant` and `VBoxManage` in tests (installed under those names, first on PATH).

It records the argv it got (one JSON array per line in $STANDIN_LOG) and replays recorded
outputs in the real tools' formats from the scenario folder $STANDIN_DIR:

    <key>          stdout to print          <key>.exit    exit code (default 0)
    <key>.stderr   stderr to print          <key>.hang    sleep until killed (holding
                                                          "ignore SIGTERM": until SIGKILL)
    <key>.follow   keep the stream open after printing (watch, logs -f) until killed
    <key>.delay    seconds between stdout lines, ended by \n or \r (streams that take time, like vagrant up)

With $STANDIN_TIMES set, each call that ends on its own appends {"argv", "start", "end"} there
(time.monotonic(), the system-wide CLOCK_MONOTONIC on Linux): when it started and when it ended,
as the caller saw neither (for the timing tests).

Keys: vagrant-status, vagrant-up, vagrant-destroy, kubectl-get-pods, kubectl-watch-pods,
kubectl-get-pvc, kubectl-get-events, kubectl-watch-events, kubectl-get-nodes,
kubectl-watch-nodes, kubectl-exec-du, kubectl-logs-<container>, kubectl-logs-previous,
kubectl-context, kubectl-rollout-restart, kubectl-rollout-status, kubectl-exec-shell;
for doctor: vboxmanage-version, vagrant-version, kubectl-version-client, kubectl-version.
A call no scenario expects (no <key> file of any suffix; an empty <key> means "prints nothing") fails
loudly: exit 1 with `standin: no fixture for <key>` on stderr, and the argv is appended to
$STANDIN_DIR/UNEXPECTED, which the tests check after each test. It never proves that a real
cluster works.
"""
import atexit
import json
import os
import re
import signal
import sys
import time


def key_for(tool, args):
    words = [a for a in args if not a.startswith("-")]
    if tool == "VBoxManage":
        return "vboxmanage-" + ("version" if "--version" in args else (words[0] if words else "none"))
    if tool == "vagrant" and args[:1] == ["--version"]:
        return "vagrant-version"
    if tool == "vagrant":
        return "vagrant-" + (words[0] if words else "none")
    # kubectl: drop global flags with values
    skip_next = False
    rest = []
    for a in args:
        if skip_next:
            skip_next = False
            continue
        if a in ("--kubeconfig", "--context", "--namespace", "-n"):
            skip_next = True
            continue
        if a.startswith("--request-timeout"):
            continue
        rest.append(a)
    if rest[:2] == ["get", "pods"]:
        return "kubectl-watch-pods" if "--watch" in rest else "kubectl-get-pods"
    if rest[:2] in (["get", "events"], ["get", "nodes"]):
        return "kubectl-%s-%s" % ("watch" if "--watch" in rest else "get", rest[1])
    if rest[:2] == ["get", "pvc"]:
        return "kubectl-get-pvc"
    if rest[:1] == ["exec"]:
        return "kubectl-exec-shell" if "-it" in rest else "kubectl-exec-du"
    if rest[:1] == ["logs"]:
        if "--previous" in rest:
            return "kubectl-logs-previous"
        container = rest[rest.index("-c") + 1] if "-c" in rest else "app"
        return "kubectl-logs-" + container
    if rest[:1] == ["version"]:
        return "kubectl-version-client" if "--client" in rest else "kubectl-version"
    if rest[:2] == ["config", "current-context"]:
        return "kubectl-context"
    if rest[:2] == ["rollout", "restart"]:
        return "kubectl-rollout-restart"
    if rest[:2] == ["rollout", "status"]:
        return "kubectl-rollout-status"
    return "kubectl-" + "-".join(w for w in rest[:2])


def main():
    started = time.monotonic()
    tool = os.path.basename(sys.argv[0])
    args = sys.argv[1:]
    times = os.environ.get("STANDIN_TIMES")
    if times:
        def note_end():
            with open(times, "a") as f:
                f.write(json.dumps({"argv": [tool] + args, "start": started, "end": time.monotonic()}) + "\n")
        atexit.register(note_end)
    log = os.environ.get("STANDIN_LOG")
    if log:
        with open(log, "a") as f:
            f.write(json.dumps([tool] + args) + "\n")
            f.flush()
    folder = os.environ.get("STANDIN_DIR", "")
    key = key_for(tool, args)
    path = os.path.join(folder, key)

    def exists(suffix=""):
        return os.path.exists(path + suffix)

    if exists(".hang"):
        if open(path + ".hang").read().strip() == "ignore SIGTERM":
            signal.signal(signal.SIGTERM, signal.SIG_IGN)  # only SIGKILL ends it
        time.sleep(3600)
    if not any(exists(suffix) for suffix in ("", ".exit", ".stderr", ".hang", ".follow")):
        with open(os.path.join(folder, "UNEXPECTED"), "a") as f:
            f.write(json.dumps([tool] + args) + "\n")
        sys.stderr.write("standin: no fixture for %s\n" % key)
        sys.exit(1)
    if exists():
        delay = float(open(path + ".delay").read()) if exists(".delay") else 0
        out = sys.stdout.buffer
        with open(path, "rb") as f:
            if delay:
                # A '\r' is a line end too: vagrant redraws its download progress with '\r\e[K'.
                for line in re.split(rb"(?<=[\r\n])", f.read()):
                    out.write(line)
                    out.flush()
                    time.sleep(delay)
            else:
                out.write(f.read())
        out.flush()
    if exists(".stderr"):
        sys.stderr.buffer.write(open(path + ".stderr", "rb").read())
        sys.stderr.flush()
    if exists(".follow"):
        while True:
            time.sleep(3600)
    sys.exit(int(open(path + ".exit").read()) if exists(".exit") else 0)


if __name__ == "__main__":
    try:
        main()
    except (BrokenPipeError, KeyboardInterrupt):
        sys.exit(1)
