"""devtui end to end: the real binary in tmux, stand-in kubectl/vagrant first on PATH (they replay
recorded outputs and record their argv) and a real local HTTP server as the app endpoint."""
import http.server
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
STANDINS = os.path.join(ROOT, "Tests", "Fixtures", "bin")
SCENARIOS = os.path.join(ROOT, "Tests", "Fixtures", "scenarios")
DEVTUI = os.environ.get("DEVTUI") or os.path.join(ROOT, ".build", "debug", "devtui")


class App(http.server.BaseHTTPRequestHandler):
    body = b"Hello Devops 123, 1234!"  # a test may change it, as a code edit would

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def app_server():
    App.body = b"Hello Devops 123, 1234!"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), App)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d/" % server.server_address[1]
    server.shutdown()


@pytest.fixture
def refused_url():
    """An app URL whose port refuses connections for the whole test: bound, never listening, so no
    parallel test can take the port (a port merely assumed closed, like :9, may be open elsewhere)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield "http://127.0.0.1:%d/" % sock.getsockname()[1]
    sock.close()


# Every World made during a test; after it, none may have had a call its scenario does not expect.
WORLDS = []


@pytest.fixture(autouse=True)
def no_unexpected_calls():
    WORLDS.clear()
    yield
    unexpected = []
    for world in WORLDS:
        path = world.scenario / "UNEXPECTED"
        if path.exists():
            unexpected += [json.loads(l) for l in path.read_text().splitlines() if l.strip()]
    WORLDS.clear()
    assert not unexpected, "the stand-ins got calls no scenario expects: %s" % unexpected


class World:
    """A project folder, a scenario for the stand-ins, their argv log."""

    def __init__(self, tmp_path, scenario, path_tools=("kubectl", "vagrant")):
        self.project = tmp_path / "project"
        (self.project / "app").mkdir(parents=True)
        (self.project / "Vagrantfile").write_text("# stand-in project\n")
        (self.project / "app" / "application.py").write_text("print('hi')\n")
        self.scenario = tmp_path / "scenario"
        WORLDS.append(self)
        shutil.copytree(os.path.join(SCENARIOS, scenario), str(self.scenario))
        self.log = tmp_path / "argv.log"
        self.bin = tmp_path / "bin"
        self.bin.mkdir()
        for tool in path_tools:
            os.symlink(os.path.join(STANDINS, "standin.py"), str(self.bin / tool))
        # Only what the stand-ins need, so the machine's real kubectl or vagrant is never found.
        os.symlink(os.path.realpath(sys.executable), str(self.bin / "python3"))
        for tool in ("sh", "sleep"):
            os.symlink(shutil.which(tool), str(self.bin / tool))
        self.env = {
            "PATH": str(self.bin),
            "STANDIN_DIR": str(self.scenario),
            "STANDIN_LOG": str(self.log),
            "LANG": "C.UTF-8",
            "TERM": "xterm-256color",
            "HOME": str(tmp_path),
        }

    def live_standins(self, *words):
        """Pids of this world's running stand-ins (by their STANDIN_DIR) whose argv holds all `words`."""
        found = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                argv = open("/proc/%s/cmdline" % pid, "rb").read().split(b"\0")
                env = open("/proc/%s/environ" % pid, "rb").read()
            except OSError:
                continue
            if ("STANDIN_DIR=%s" % self.scenario).encode() in env.split(b"\0") and all(w.encode() in argv for w in words):
                found.append(int(pid))
        return found

    def calls(self):
        if not self.log.exists():
            return []
        return [json.loads(l) for l in self.log.read_text().splitlines() if l.strip()]

    def called(self, *fragment):
        """Whether some recorded argv ends with (or equals) the given words after the tool name."""
        want = list(fragment)
        return any(c[-len(want):] == want for c in self.calls())

    def write(self, name, content):
        (self.scenario / name).write_text(content)


class Tmux:
    def __init__(self, world, args, width=100, height=30):
        self.socket = "devtui-e2e-%s" % uuid.uuid4().hex[:8]
        self.world = world
        env = " ".join("%s=%s" % (k, shlex.quote(v)) for k, v in world.env.items())
        command = "env -i %s %s %s; echo DEVTUI_EXIT=$?; sleep 600" % (
            env, shlex.quote(DEVTUI), " ".join(shlex.quote(a) for a in args))
        self.tmux("new-session", "-d", "-s", "t", "-x", str(width), "-y", str(height), command)

    def tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null"] + list(args),
                              capture_output=True, text=True, check=False)

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", "t").stdout

    def alternate_on(self):
        # A failed query (no server, no pane) must not read as "the terminal was restored".
        out = self.tmux("display", "-p", "-t", "t", "#{alternate_on}")
        assert out.returncode == 0, "tmux display failed: %s" % out.stderr.strip()
        value = out.stdout.strip()
        assert value in ("0", "1"), "tmux display printed %r" % value
        return value == "1"

    def pid(self):
        """devtui's pid: the pane's shell runs it as its child."""
        shell = self.tmux("display", "-p", "-t", "t", "#{pane_pid}").stdout.strip()
        out = subprocess.run(["pgrep", "-P", shell, "-f", "devtui"], capture_output=True, text=True).stdout.split()
        return int(out[0]) if out else None

    def keys(self, *keys):
        self.tmux("send-keys", "-t", "t", *keys)

    def resize(self, width, height):
        self.tmux("resize-window", "-t", "t", "-x", str(width), "-y", str(height))

    def wait_for(self, *texts, timeout=20, settle=False):
        """The screen once it shows every one of `texts`: wait for all a test then asserts, never
        read one part and assume the rest is drawn. With `settle`, also until two captures in a
        row are the same, for a test that looks at more than it waited for (what is absent, a
        whole row); not for a passing state (a step of a running action), which may never hold
        still. The timeout is a safety net for a loaded machine, not a measure."""
        deadline = time.time() + timeout
        previous = None
        while time.time() < deadline:
            screen = self.screen()
            if all(t in screen for t in texts):
                if not settle or screen == previous:
                    return screen
                previous = screen
            else:
                previous = None
            time.sleep(0.05)
        raise AssertionError("%s not on a%s screen after %.0f s:\n%s" % (
            " and ".join(repr(t) for t in texts), " settled" if settle else "", timeout, self.screen()))

    def wait_until(self, predicate, timeout=20, what="condition"):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate():
                return
            time.sleep(0.05)
        raise AssertionError("timed out waiting for %s:\n%s" % (what, self.screen()))

    def close(self):
        self.tmux("kill-server")


@pytest.fixture
def run_devtui(tmp_path, app_server):
    sessions = []

    def start(scenario, args=None, width=100, height=30, path_tools=("kubectl", "vagrant"), env=None):
        world = World(tmp_path, scenario, path_tools)
        world.env.update(env or {})
        argv = ["--project-dir", str(world.project), "--app-url", app_server] + list(args or [])
        session = Tmux(world, argv, width, height)
        sessions.append(session)
        return world, session

    yield start
    for s in sessions:
        s.close()


def serve(status, body, headers=()):
    """A loopback app that answers every GET with `status`, `headers` and `body` (bytes), as the
    app's Flask and Gunicorn would. Returns (url, server); the caller shuts the server down."""

    class Canned(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Canned)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return "http://127.0.0.1:%d/" % server.server_address[1], server


@pytest.fixture
def canned_app():
    """serve(), with every server shut down after the test."""
    servers = []

    def start(status, body, headers=()):
        url, server = serve(status, body, headers)
        servers.append(server)
        return url

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
