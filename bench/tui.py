"""Measures devtui under tmux with stand-ins. Prints figures; asserts nothing (see bench/tui)."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Tests", "EndToEnd"))
from conftest import Tmux, World  # noqa: E402

import http.server  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import pathlib  # noqa: E402

from conftest import App  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime of devtui itself


def threads(pid):
    return os.listdir("/proc/%d/task" % pid)


def sched_ns(pid):
    """CPU time of devtui's live threads in ns (/proc/.../schedstat): finer than clock ticks, which
    are 10 ms, a sixth of the whole 0.1% budget over a minute."""
    total = 0
    for t in threads(pid):
        try:
            total += int(open("/proc/%d/task/%s/schedstat" % (pid, t)).read().split()[0])
        except OSError:
            pass  # the thread ended
    return total


def context_switches(pid):
    """Voluntary + involuntary switches of devtui's live threads: how often it wakes."""
    total = 0
    for t in threads(pid):
        try:
            for line in open("/proc/%d/task/%s/status" % (pid, t)):
                if "ctxt_switches" in line:
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def rss_kb(pid, key="VmRSS"):
    for line in open("/proc/%d/status" % pid):
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def start(world, devtui, url):
    tui = Tmux(world, ["--project-dir", str(world.project), "--app-url", url])
    tui.world = world
    deadline = time.time() + 20
    while time.time() < deadline and tui.pid() is None:
        time.sleep(0.05)
    return tui


def idle(devtui, url, scenario, ready_text, idle_seconds):
    """devtui's own CPU, the child processes it starts and its RSS over `idle_seconds` of a
    scenario that does not change (the streams stay open; nothing new happens)."""
    import conftest
    conftest.DEVTUI = devtui
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="bench-tui-"))
    world = World(tmp, scenario)
    tui = start(world, devtui, url)
    tui.wait_for(ready_text, timeout=30)
    time.sleep(2)  # start-up done: the streams are open
    pid = tui.pid()
    calls_before = len(world.calls())
    cpu_before, ns_before, switches_before = cpu_seconds(pid), sched_ns(pid), context_switches(pid)
    time.sleep(idle_seconds)
    cpu = cpu_seconds(pid) - cpu_before
    precise = (sched_ns(pid) - ns_before) / 1e9
    switches = context_switches(pid) - switches_before
    started = world.calls()[calls_before:]
    rss = rss_kb(pid)
    hwm = rss_kb(pid, "VmHWM")
    tui.keys("q")
    tui.close()
    return cpu, started, rss, hwm, precise, switches


def print_idle(title, figures, idle_seconds):
    cpu, started, rss, hwm, precise, switches = figures
    print(title)
    print("  own CPU            %.3f%% of a core   (target <= 0.1%%; %.3f%% in clock ticks)"
          % (100.0 * precise / idle_seconds, 100.0 * cpu / idle_seconds))
    print("  wake-ups           %.1f context switches a second" % (switches / idle_seconds))
    print("  child processes    %.1f per minute    (target <= 7)" % (len(started) * 60.0 / idle_seconds))
    kinds = {}
    for c in started:
        args, skip = [], False
        for w in c[1:]:
            if skip or w.startswith("-"):
                skip = w in ("--kubeconfig", "--context", "--namespace")
                continue
            args.append(w)
        words = args[:2]
        key = c[0] + " " + " ".join(words)
        kinds[key] = kinds.get(key, 0) + 1
    if kinds:
        print("    " + ", ".join("%s: %d" % kv for kv in sorted(kinds.items())))
    print("  RSS                %.1f MB (peak %.1f MB)   (target <= 20 MB)" % (rss / 1024.0, hwm / 1024.0))


def flood_run(devtui, url, title):
    """Log throughput end to end, and how fast a key is answered meanwhile."""
    import conftest
    conftest.DEVTUI = devtui
    lines = 200_000
    tmp2 = pathlib.Path(tempfile.mkdtemp(prefix="bench-tui-flood-"))
    flood = World(tmp2, "healthy")
    flood.write("kubectl-logs-app", "")
    tui = start(flood, devtui, url)
    tui.wait_for("app-7d9f8c6b5-x2kq9", timeout=30)
    tui.wait_for("following app-7d9f8c6b5-x2kq9", timeout=30)
    # Reattach to a stream that floods: make the stand-in's log big, then force a reattach by
    # ending the current stream (the follow marker is removed, so it exits; devtui reattaches).
    with open(str(flood.scenario / "kubectl-logs-app"), "w") as f:
        for i in range(lines):
            f.write('10.42.0.1 - - [25/Nov/2026:10:03:15 +0000] "GET /%d HTTP/1.1" 200 23 "-" "flood"\n' % i)
    os.remove(str(flood.scenario / "kubectl-logs-app.follow"))
    pid = tui.pid()
    follows_before = sum(1 for c in flood.calls() if "-f" in c and "logs" in c)
    # The current stream only ends when its process does: kill the stand-in so devtui reattaches.
    # Only this run's stand-in (found by its STANDIN_DIR), by pid: never a broad pkill that
    # would hit other runs on the same machine.
    for child in flood.live_standins("logs", "-f"):
        try:
            os.kill(child, 15)
        except ProcessLookupError:
            pass
    # The clock starts when devtui starts the new `kubectl logs -f` (the stand-in records it first
    # thing): the reattach backoff is not part of the pipeline's throughput.
    while sum(1 for c in flood.calls() if "-f" in c and "logs" in c) == follows_before:
        time.sleep(0.001)
    started = time.time()
    key_latencies = []
    done = False
    while time.time() - started < 60 and not done:
        sent = time.time()
        tui.keys("?")
        while time.time() - sent < 2:
            if "this help (any key closes)" in tui.screen():
                key_latencies.append(time.time() - sent)
                break
            time.sleep(0.002)
        tui.keys("Escape")
        done = "GET /%d HTTP" % (lines - 1) in tui.screen()
        time.sleep(0.02)
    while not done and time.time() - started < 60:
        done = "GET /%d HTTP" % (lines - 1) in tui.screen()
        time.sleep(0.01)
    took = time.time() - started
    rss_flood = rss_kb(pid, "VmHWM")
    tui.keys("q")
    tui.close()
    print("%s log flood, %d lines through stand-in kubectl -> runner -> model -> screen:" % (title, lines))
    print("  throughput         %.0f lines/s end to end (target >= 129k)" % (lines / took if done else 0))
    if key_latencies:
        key_latencies.sort()
        print("  key answered in    median %.0f ms, max %.0f ms over %d presses (target <= 15 ms;"
              " includes tmux capture polling)" % (1000 * key_latencies[len(key_latencies) // 2],
                                                    1000 * key_latencies[-1], len(key_latencies)))
    print("  peak RSS           %.1f MB" % (rss_flood / 1024.0))

def main(devtui, idle_seconds, baselines=()):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), App)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d/" % server.server_address[1]

    # --- idle: healthy (optionally a baseline binary first, same run, same machine load) ---
    for baseline in baselines:
        print_idle("baseline %s, healthy, idle %d s:" % (baseline, idle_seconds),
                   idle(baseline, url, "healthy", "187 MiB", idle_seconds), idle_seconds)
    print_idle("devtui idle, healthy, %d s, default refresh (stand-ins, release build):" % idle_seconds,
               idle(devtui, url, "healthy", "187 MiB", idle_seconds), idle_seconds)
    # Unhealthy but stable: a crash-looping app with its BackOff event on screen, so the event
    # watch and the node watch are both open; nothing changes during the measurement.
    print_idle("devtui idle, unhealthy but stable (crashloop: event + node watches open), %d s:" % idle_seconds,
               idle(devtui, url, "crashloop", "BackOff ×31", idle_seconds), idle_seconds)

    # --- log flood (the baseline's too, when given) ---
    for baseline in baselines:
        flood_run(baseline, url, "baseline %s" % baseline)
    flood_run(devtui, url, "devtui")
    server.shutdown()


if __name__ == "__main__":
    # BASELINE_DEVTUI: one older binary, or several separated by colons.
    main(sys.argv[1], int(sys.argv[2]), [b for b in os.environ.get("BASELINE_DEVTUI", "").split(":") if b])
