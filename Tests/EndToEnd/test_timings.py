"""Every timing the README promises about devtui, end to end (issue 21 item 11).

A bound here is the promise itself, measured where the behaviour happens, not around it: an
interval is timed from the end of one call to the start of the next (the stand-ins note both on
the system-wide monotonic clock, $STANDIN_TIMES), an app GET from the moment the server accepted
it to the moment the client closed it. The lower bounds follow from the code (a loop that waits
N s after its call can never call again sooner) and are strict; the upper bounds are the promise
plus what a loaded 2-core machine adds (a process start, a thread's wake-up): tight enough that the
next round number (20 s for 15 s, 3 s for 2 s) fails, loose enough that load alone does not.

  promise (README)                                              test
  app GET gives up after 2 s ("no answer within 2.0 s")           test_an_app_that_never_answers_*
  the app endpoint every 2 s, `vagrant status` every 15 s,      test_refresh_intervals_as_promised
  the volume (`du`) every 30 s, the claim every 2 minutes,
  `kubectl config current-context` every minute
  doctor: 2 s for vagrant, the whole command within 3 s         test_doctor_with_a_hung_vagrant_answers_within_3_s
  quit waits at most 3 s for children (SIGKILL 1 s after TERM)  test_quit_with_a_child_that_ignores_sigterm_is_bounded
  a `u` before doctor's first answer waits at most 3 s          test_first_run.py::test_u_before_the_doctor_has_answered_waits_for_it
  (elsewhere: doctor's 1.5 s VBoxManage and 3 s with a hung or SIGTERM-ignoring VBoxManage in
  test_doctor.py; the event watch stopping 15 s after all is healthy in test_dashboard.py)
"""
import json
import os
import signal
import socket
import statistics
import subprocess
import threading
import time

import pytest

from conftest import DEVTUI, Tmux, World

APP_TIMEOUT = 2.0  # README: each GET of the app gives up after 2 s
MARGIN = 1.5       # process start, a loaded 2-core machine (whole-command bounds only)
EARLY = 0.05       # timer and clock granularity: a wait of N s is never shorter than this below N
LATE = 0.9         # a thread's wake-up and a socket's close on a loaded machine (a 3 s wait fails)
# The server notes a connection when its thread gets to it, after the client started its clock.
ACCEPT_LAG = 0.5


class SilentApp(object):
    """An app endpoint that accepts connections and never answers (a worker stuck in a request).
    Notes, on the monotonic clock, when it accepted each connection and when the client closed it."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.url = "http://127.0.0.1:%d/" % self.server.getsockname()[1]
        self.connections = []  # [accepted, closed or None]
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.accept, daemon=True)]
        self.threads[0].start()

    def accept(self):
        self.server.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            record = [time.monotonic(), None]
            self.connections.append(record)
            reader = threading.Thread(target=self.hold, args=(conn, record), daemon=True)
            self.threads.append(reader)
            reader.start()

    def hold(self, conn, record):
        """Reads the request and never answers; the client's close ends the read."""
        conn.settimeout(0.2)
        try:
            while not self.stop.is_set():
                try:
                    if not conn.recv(4096):
                        record[1] = time.monotonic()
                        return
                except socket.timeout:
                    continue
                except OSError:
                    record[1] = time.monotonic()
                    return
        finally:
            conn.close()

    def held(self):
        """How long each connection the client has closed was held open, in seconds."""
        return [closed - accepted for accepted, closed in list(self.connections) if closed is not None]

    def close(self):
        self.stop.set()
        for thread in self.threads:
            thread.join()
        self.server.close()


@pytest.fixture
def silent_app():
    app = SilentApp()
    yield app
    app.close()


def test_an_app_that_never_answers_is_reported_by_status_within_the_probe_timeout(tmp_path, silent_app):
    world = World(tmp_path, "healthy")
    started = time.monotonic()
    proc = subprocess.run([DEVTUI, "status", "--project-dir", str(world.project), "--app-url", silent_app.url],
                          env=world.env, capture_output=True, text=True, timeout=30)
    took = time.monotonic() - started
    assert proc.returncode == 1
    assert "App     %s  no answer within 2.0 s" % silent_app.url in proc.stdout
    assert proc.stdout.strip().splitlines()[-1].endswith("app: no answer within 2.0 s")
    # One GET, given up when its 2 s were over: not sooner, not much later, and not tried again.
    time.sleep(0.3)  # the server's reader notes the close
    (held,) = silent_app.held()
    assert len(silent_app.connections) == 1
    assert APP_TIMEOUT - ACCEPT_LAG <= held <= APP_TIMEOUT + LATE, held
    # The report waits for nothing else as long: the other probes run beside the GET.
    assert took < APP_TIMEOUT + 3 * MARGIN, took


def test_an_app_that_never_answers_is_reported_on_screen_within_the_probe_timeout(tmp_path, silent_app):
    world = World(tmp_path, "healthy")
    tui = Tmux(world, ["--project-dir", str(world.project), "--app-url", silent_app.url])
    try:
        tui.wait_for("● no answer within 2.0 s", timeout=20)
        seen = time.monotonic()
        # The first GET: accepted, given up at 2 s, then on screen at once.
        accepted = silent_app.connections[0][0]
        assert APP_TIMEOUT - ACCEPT_LAG <= seen - accepted <= APP_TIMEOUT + MARGIN, seen - accepted
        tui.wait_until(lambda: silent_app.held(), what="the first GET closed")
        held = silent_app.held()[0]
        assert APP_TIMEOUT - ACCEPT_LAG <= held <= APP_TIMEOUT + LATE, held
    finally:
        tui.close()


class Server(object):
    """A local app that answers 200 and notes when each GET came (monotonic clock)."""

    def __init__(self):
        import http.server
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(time.monotonic())  # before the answer: the next GET comes after it
                body = b"Hello Devops 123, 1234!"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d/" % self.httpd.server_address[1]


def gaps(times):
    return [b - a for a, b in zip(times, times[1:])]


def waits(calls):
    """From the end of each call to the start of the next: what the loop itself waited."""
    return [b["start"] - a["end"] for a, b in zip(calls, calls[1:])]


def late(interval):
    """How much later than promised a call may come on a loaded machine: a process start and a
    wake-up (3 s), or a tenth of a long interval. 20 s for a promised 15 s still fails."""
    return max(3.0, interval / 10)


def test_refresh_intervals_as_promised(tmp_path):
    """One healthy dashboard for a little over a minute. Each loop waits its interval after its
    call returns, so from one call's end to the next call's start is at least the interval, on any
    machine; at most the interval plus late(). The app's GETs are timed where the server gets them:
    a GET comes after the previous answer plus 2 s."""
    app = Server()
    world = World(tmp_path, "healthy")
    times = tmp_path / "times.jsonl"
    world.env["STANDIN_TIMES"] = str(times)
    tui = Tmux(world, ["--project-dir", str(world.project), "--app-url", app.url])

    def ended():
        if not times.exists():
            return []
        return sorted((json.loads(l) for l in times.read_text().splitlines() if l.strip()), key=lambda c: c["start"])

    def context_calls(calls):
        return [c for c in calls if c["argv"][-2:] == ["config", "current-context"]]

    try:
        deadline = time.monotonic() + 60 + late(60) + 30  # the second context call, after start-up
        while time.monotonic() < deadline and len(context_calls(ended())) < 2:
            time.sleep(0.5)
        assert not tui.screen().count("DEVTUI_EXIT"), tui.screen()
    finally:
        tui.close()
        app.httpd.shutdown()
    calls = ended()

    # `kubectl config current-context` every minute.
    context = context_calls(calls)
    assert len(context) == 2, calls
    (wait,) = waits(context)
    assert 60 - EARLY <= wait <= 60 + late(60), wait
    window = context[1]["start"] - context[0]["start"]

    # `vagrant status` every 15 s. The start-up doctor asks once beside the loop's first call, so
    # the loop's calls are the later ones, and the first of them comes 15 s after one of the two.
    vm = [c for c in calls if c["argv"][:3] == ["vagrant", "status", "--machine-readable"]]
    first = [c for c in vm if c["start"] < vm[0]["start"] + 7]
    later = [c for c in vm if c["start"] >= vm[0]["start"] + 7]
    assert 1 <= len(first) <= 2 and len(later) >= 3, vm  # the doctor may stop its call at 2.6 s
    assert later[0]["start"] - min(c["end"] for c in first) >= 15 - EARLY, vm
    assert all(15 - EARLY <= w for w in waits(later)) and min(waits(later)) <= 15 + late(15), waits(later)

    # The volume (`du` in the MySQL pod) every 30 s; the claim every 2 minutes (every 4th round of
    # the volume): once in this minute, before the first `du`.
    du = [c for c in calls if "exec" in c["argv"] and "du" in " ".join(c["argv"])]
    assert len(du) >= 2, calls
    assert all(30 - EARLY <= w <= 30 + late(30) for w in waits(du)), waits(du)
    claim = [c for c in calls if "pvc" in c["argv"]]
    assert len(claim) == 1 and claim[0]["end"] <= du[0]["start"], (claim, du)

    # The app endpoint every 2 s: never sooner than 2 s after the previous GET, and about that.
    app_gaps = gaps(app.hits)
    assert len(app_gaps) >= 10, app.hits
    assert min(app_gaps) >= 2 - EARLY, app_gaps
    assert statistics.median(app_gaps) <= 2 + 0.5, app_gaps
    assert len(app.hits) >= window / (2 + 0.5), (len(app.hits), window)


def test_doctor_with_a_hung_vagrant_answers_within_3_s(tmp_path):
    world = World(tmp_path, os.path.join("..", "doctor", "ready"), path_tools=("VBoxManage", "vagrant", "kubectl"))
    (world.project / "settings.env").write_text("API_HOST_PORT=1\nAPP_HOST_PORT=2\n")
    world.write("vagrant-version.hang", "")
    world.write("vagrant-status.hang", "ignore SIGTERM")
    started = time.time()
    proc = subprocess.Popen([DEVTUI, "doctor", "--project-dir", str(world.project)], env=world.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = []
    for line in proc.stdout:
        out.append(line)
        if line.startswith(("OK:", "NOT READY:")):
            break
    answered = time.time() - started
    rest, _ = proc.communicate(timeout=20)
    exited = time.time() - started
    out = "".join(out) + rest
    # README: the whole command answers within 3 s even with a hung tool...
    assert answered < 3.0 + 0.5, answered
    assert "! Vagrant: `vagrant --version` gave no answer within 2.0 s" in out
    # `vagrant status` ignores its SIGTERM at 2 s: still running at the 2.6 s deadline, reported as such.
    assert "! vm: no answer within 2.6 s" in out
    # ...and a tool that ignores SIGTERM is killed a second later: none outlives the command.
    assert exited < 3.0 + 1.0, exited
    assert world.live_standins() == []


def test_quit_with_a_child_that_ignores_sigterm_is_bounded(tmp_path, app_server):
    world = World(tmp_path, "healthy")
    (world.scenario / "kubectl-logs-app.hang").write_text("ignore SIGTERM")
    tui = Tmux(world, ["--project-dir", str(world.project), "--app-url", app_server])
    try:
        tui.wait_for("app-7d9f8c6b5-x2kq9")

        def hung_log_stream():
            for pid in world.live_standins("logs", "-f"):
                for line in open("/proc/%d/status" % pid):
                    if line.startswith("SigIgn:") and int(line.split()[1], 16) & (1 << (signal.SIGTERM - 1)):
                        return True
            return False

        tui.wait_until(hung_log_stream, what="the log stream, hung and ignoring SIGTERM")
        started = time.time()
        tui.keys("q")
        tui.wait_for("DEVTUI_EXIT=0", timeout=10)
        took = time.time() - started
        # README: devtui waits at most 3 s for its children; this one dies by SIGKILL 1 s after TERM.
        assert took < 3.0 + 0.5, took
        assert world.live_standins() == []
    finally:
        tui.close()
        for pid in world.live_standins():
            os.kill(pid, signal.SIGKILL)
