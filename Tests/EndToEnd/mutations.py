"""Mutation check for devtui (Sources/): applies each plausible bug to a COPY of the repo, builds it,
runs the narrowest tests that must catch it there (a Swift test filter or e2e tests) and reports
which caught it. Issue 19's survivors (7, 8, 10) and a round of our own; every one is caught.
Not part of any suite (slow: one incremental build and test run per mutation).

    python Tests/EndToEnd/mutations.py [COPY_DIR] [ID ...]    # default: a fresh copy under /tmp

Run it with the Python that runs the e2e suite (it needs pytest).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))

STATUS = ("e2e", ["Tests/EndToEnd/test_status.py", "-k", "404 or redirect or traceback"])

# (id, file, exact text, replacement, what the mutation breaks, (kind, tests))
MUTATIONS = [
    # Issue 19, 7: devtui status.
    ("7a", "Sources/ClusterProbe/HTTP/AppHealth.swift", "public var isUp: Bool { statusCode == 200 }",
     "public var isUp: Bool { statusCode.map { $0 < 400 } ?? false }", "status: a 302 counts as up (exit 0)", STATUS),
    ("7b", "Sources/ClusterProbe/HTTP/AppHealth.swift", "public var isUp: Bool { statusCode == 200 }",
     "public var isUp: Bool { statusCode.map { $0 < 500 } ?? false }", "status: a 404 counts as up (exit 0)", STATUS),
    ("7c", "Sources/DevTUI/CLI/StatusCommand.swift", 'list.append("app: HTTP \\(app.statusCode ?? 0)\\(why)")', "_ = why",
     "status: an HTTP error is no problem (a 500 with empty problems)", STATUS),
    ("7d", "Sources/DevTUI/CLI/StatusCommand.swift", 'let at = app.exceptionAt.map { " (\\($0))" } ?? ""', 'let at = ""',
     "status: the traceback's (file, line N) dropped from the App line", STATUS),
    ("7e", "Sources/DevTUI/CLI/StatusCommand.swift", "if !StatusReport.appUp(snapshot) { throw ExitCode(1) }",
     "if snapshot.app.value?.statusCode == nil { throw ExitCode(1) }", "status: exit 0 for any HTTP answer", STATUS),
    # Issue 19, 8: C1 controls.
    ("8a", "Sources/ClusterProbe/Text/TextSanitizer.swift", " || $0 == 0x7F || $0 == 0xC2 })", " || $0 == 0x7F })",
     "sanitizer: C1 controls (C2 80-9F) pass the fast path",
     ("swift+e2e", ["TextSanitizerTests", "Tests/EndToEnd/test_dashboard.py", "-k", "escape_sequences"])),
    ("8b", "Sources/ClusterProbe/Text/TextSanitizer.swift", "case 0x00..<0x20, 0x7F, 0x80..<0xA0:", "case 0x00..<0x20, 0x7F:",
     "sanitizer: U+0080-U+009F kept by cleanLine", ("swift", "TextSanitizerTests")),
    # Issue 19, 10.
    ("10a", "Sources/ClusterProbe/HTTP/HTTPProbe.swift", "while response.count < 1_048_576 {", "while response.count < 4096 {",
     "probe: body cut at 4 KiB (a traceback loses its exception)", ("swift", "HTTPProbeTests")),
    ("10b", "Sources/ClusterProbe/HTTP/HTTPProbe.swift", "while response.count < 1_048_576 {",
     "while response.count < 64 * 1_048_576 {", "probe: no 1 MiB bound on the body", ("swift", "HTTPProbeTests")),
    ("10c", "Sources/ClusterProbe/HTTP/HTTPProbe.swift", "return raw.count - (split + 4) >= length",
     "return raw.count - (split + 4) > length", "probe: waits for a keep-alive server to close", ("swift", "HTTPProbeTests")),
    ("10d", "Sources/ClusterProbe/Doctor/DoctorChecks.swift", "            if available < need {",
     "            if available <= need {", "doctor: exactly VM + 1 GiB free is a failure",
     ("swift", "HostCheckTests|DoctorScreenTests")),
    ("10e", "Sources/ClusterProbe/Doctor/DoctorChecks.swift", "public static let hostReserve = 1 * gib",
     "public static let hostReserve = 0 * gib", "doctor: no head-room for the host", ("swift", "HostCheckTests")),
    ("10f", "Sources/ClusterProbe/Doctor/DoctorChecks.swift", "            if total < need {",
     "            if total < need - hostReserve {", "doctor: no head-room when only the total is known", ("swift", "HostCheckTests")),
    ("10g", "Sources/ClusterProbe/Kubernetes/PodSummary.swift", "restarts = statuses.reduce(0) { $0 + ($1.restartCount ?? 0) }",
     "restarts = statuses.map { $0.restartCount ?? 0 }.max() ?? 0", "pods: RESTARTS is the max, not the sum",
     ("swift", "PodSummaryTests")),
    # Doctor exiting before the tools it stopped are gone.
    ("d1", "Sources/DevTUI/CLI/DoctorCommand.swift", "            await doctor.run { report in",
     "            let report = await doctor.run()\n            do {", "doctor: exits at the deadline, orphaning a tool that ignores SIGTERM",
     ("e2e", ["Tests/EndToEnd/test_doctor.py", "-k", "not_left_behind"])),
    ("d2", "Sources/ClusterProbe/Doctor/Doctor.swift", "time.monotonicMs() - started < deadline.milliseconds,",
     "time.monotonicMs() - started < deadline.milliseconds * 100,", "doctor: the deadline a hundred times late",
     ("swift", "DoctorIntegrationTests/theDeadlineBoundsAGroupThatNeverAnswers")),
    # Our own round.
    ("R1", "Sources/ClusterProbe/Kubernetes/NodeHealth.swift", 'static let pressureTypes = ["MemoryPressure", "DiskPressure", "PIDPressure"]',
     'static let pressureTypes = ["MemoryPressure", "DiskPressure"]', "node: PIDPressure not reported", ("swift", "NodeHealthTests")),
    ("R2", "Sources/ClusterProbe/Kubernetes/NodeHealth.swift", 'ready = readyCondition.map { $0.status == "True" }',
     'ready = readyCondition.map { $0.status != "False" }', "node: Ready=Unknown counted as Ready", ("swift", "NodeHealthTests")),
    ("R3", "Sources/ClusterProbe/Kubernetes/ContainerTermination.swift", "(129...159).contains(code) ? code - 128 : nil",
     "(129...159).contains(code) ? code - 127 : nil", "terminations: exit 137 read as signal 10", ("swift", "TerminationTests")),
    ("R4", "Sources/ClusterProbe/Text/DurationFormat.swift", 'if s < 120 { return "\\(s)s" }', 'if s < 60 { return "\\(s)s" }',
     "ages of 60-119 s shown as 1m", ("swift", "DetailLinesTests|DiagnosisGoldenTests")),
    ("R5", "Sources/ClusterProbe/Text/ByteFormat.swift", "if value < 10 { return", "if value < 1 { return",
     "sizes lose their decimal (2.0 GiB as 2 GiB)", ("swift", "QuantityTests")),
    ("R6", "Sources/ClusterProbe/Config/KubeconfigPermissions.swift", "guard mode & 0o077 != 0 else { return nil }",
     "guard mode & 0o007 != 0 else { return nil }", "kubeconfig: group-readable not warned about",
     ("swift", "KubeconfigPermissionsTests")),
    ("R7", "Sources/ClusterProbe/Logs/LogBuffer.swift", "            head = (head + 1) % capacity\n", "",
     "logs: a full buffer overwrites one slot", ("swift", "LogBufferTests")),
    ("R8", "Sources/ClusterProbe/Kubernetes/WarningEvent.swift",
     "let trusted: (Int?) -> Int? = { t in t.flatMap { $0 > now + Self.futureSlack ? nil : $0 } }",
     "let trusted: (Int?) -> Int? = { t in t }", "events: times from the future trusted", ("swift", "WarningEventTests")),
    ("R9", "Sources/ClusterProbe/Kubernetes/WarningEvent.swift", "if ar != br { return br }", "if ar != br { return ar }",
     "events: BackOff preferred over a failing probe", ("swift", "WarningEventTests")),
    ("R10", "Sources/DevTUI/App/KeyHandler.swift", "        ui.follow = ui.scroll == 0\n", "        ui.follow = true\n",
     "keys: scrolling up does not pause follow", ("swift", "KeyHandlerTests")),
    ("R11", "Sources/DevTUI/App/KeyHandler.swift",
     'case .confirmTeardown:\n            ui.overlay = .none\n            if key == .char("y") || key == .char("Y") {',
     'case .confirmTeardown:\n            ui.overlay = .none\n            if key != .char("n") && key != .char("N") {',
     "keys: Enter destroys the VM", ("swift", "KeyHandlerTests")),
    ("R12", "Sources/ClusterProbe/Config/ProjectSettings.swift", 'public var appURL: String { "http://127.0.0.1:\\(appHostPort)/" }',
     'public var appURL: String { "http://127.0.0.1:\\(apiHostPort)/" }', "settings: app URL on the API port",
     ("swift", "ProjectSettingsTests")),
    ("R13", "Sources/ClusterProbe/Doctor/Versions.swift", 'Row(virtualBox: "7.1", vagrant: ToolVersion(2, 4, 2)),',
     'Row(virtualBox: "7.1", vagrant: ToolVersion(2, 4, 1)),', "doctor: Vagrant 2.4.1 accepted for VirtualBox 7.1",
     ("swift", "SupportMatrixTests")),
    ("R14", "Sources/ClusterProbe/HTTP/HTTPProbe.swift", "                port = 80\n", "                port = 8080\n",
     "probe: a URL without a port probes 8080", ("swift", "HTTPProbeTests")),
    ("R15", "Sources/ClusterProbe/HTTP/AppHealth.swift", 'location = lines.last(where: { $0.hasPrefix("File \\"") }).flatMap(Self.frame)',
     'location = lines.first(where: { $0.hasPrefix("File \\"") }).flatMap(Self.frame)',
     "traceback: the outermost frame (gunicorn.conf.py) named", ("swift", "HTTPProbeTests|AppPanelTracebackTests")),
    ("R16", "Sources/DevTUI/CLI/StatusCommand.swift", "now - finished < 3600 {", "now - finished < 60 {",
     "status: an OOM kill 4 minutes ago no longer a but", ("swift", "StatusReportTests")),
    ("R17", "Sources/ClusterProbe/Poller/DiagnosisLoops.swift", "static let healthyGrace = 15_000", "static let healthyGrace = 0",
     "events: the watch stops the moment pods look healthy", ("swift", "DiagnosisLoopsTests")),
    ("R18", "Sources/ClusterProbe/Kubernetes/PodSummary.swift",
     '"CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "ErrImageNeverPull",',
     '"CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull",', "pods: ErrImageNeverPull not failing", ("swift", "PodSummaryTests")),
    ("R19", "Sources/DevTUI/Render/HeaderView.swift", "troubled.contains { $0.ready == false } ? .bad : .warn", ".warn",
     "header: a NotReady node in the warning colour", ("swift", "StatusReportTests")),
    ("R20", "Sources/ClusterProbe/Kubernetes/KubeTarget.swift",
     'let bound = oneShot ? ["--request-timeout=\\(requestTimeoutSeconds)s"] : []', "let bound: [String] = []",
     "kubectl: one-shot calls without --request-timeout", ("swift", "ProbesIntegrationTests")),
    ("R21", "Sources/DevTUI/Render/Layout.swift", "static let minWidth = 60", "static let minWidth = 50",
     "layout: 50-59 columns squashed instead of 'too small'", ("swift", "LayoutTests")),
    ("R22", "Sources/ClusterProbe/Doctor/DoctorChecks.swift", "if free.bytes < diskNeeded {", "if free.bytes < diskNeeded / 2 {",
     "doctor: disk check at 5 GiB instead of 10", ("swift", "HostCheckTests")),
    ("R23", "Sources/ClusterProbe/Kubernetes/ContainerTermination.swift", 'if let signal, reason != "OOMKilled" {', "if let signal {",
     "terminations: OOMKilled also names SIGKILL", ("swift", "TerminationTests")),
    ("R24", "Sources/DevTUI/App/KeyHandler.swift", 'guard let pod = context.snapshot.appPod, pod.phase == "Running" else {',
     "guard let pod = context.snapshot.appPod else {", "keys: s runs kubectl exec in a pod that is not Running",
     ("swift", "KeyHandlerTests")),
    ("R25", "Sources/DevTUI/CLI/StatusCommand.swift",
     "let troubled = pod.health != .terminating && (pod.health != .healthy || pod.readyContainers < pod.totalContainers)",
     "let troubled = pod.health != .healthy || pod.readyContainers < pod.totalContainers",
     "status: a terminating pod's Warning listed after but", ("swift", "StatusReportTests")),
    ("R26", "Sources/DevTUI/App/Dashboard.swift", "waitForEnd(of: stopping, timeout: .seconds(3))",
     "waitForEnd(of: stopping, timeout: .seconds(0))", "dashboard: exits without waiting for its kubectl children",
     ("e2e", ["Tests/EndToEnd/test_dashboard.py", "-k", "outlives"])),
    ("R27", "Sources/DevTUI/Render/AppView.swift",
     "                if TextWidth.of(rest + g.ellipsisSep + place) > width { place = shortPlace(place) }\n", "",
     "app panel: /app/application.py, line 59 cut before its line number", ("swift", "AppPanelTracebackTests")),
]


def run(cmd, copy, env=None):
    return subprocess.run(cmd, cwd=copy, env=env, capture_output=True, text=True)


def check(copy, kind, tests):
    """(return code, what failed) of the mutation's tests in the copy."""
    build = run(["swift", "build", "--build-tests"], copy)
    if build.returncode != 0:
        return build.returncode, "(build failed)"
    failed = []
    rc = 0
    if kind in ("swift", "swift+e2e"):
        swift_filter = tests if kind == "swift" else tests[0]
        result = run(["swift", "test", "--skip-build", "--filter", swift_filter], copy)
        rc |= result.returncode
        failed += sorted(set(re.findall(r"✘ Test (\w+)\(.*?\)[^\n]*? failed after", result.stdout)))
    if kind in ("e2e", "swift+e2e"):
        args = tests if kind == "e2e" else tests[1:]
        env = dict(os.environ, DEVTUI=os.path.join(copy, ".build", "debug", "devtui"))
        result = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"] + args, copy, env)
        rc |= result.returncode
        failed += [f.split("::")[-1] for f in re.findall(r"^FAILED (\S+)", result.stdout, re.M)]
    return rc, ", ".join(failed)


def main():
    args = sys.argv[1:]
    copy = args.pop(0) if args and not re.match(r"^(\d+[a-z]|R\d+|d\d+)$", args[0]) else os.path.join(tempfile.mkdtemp(), "repo")
    only = set(args)
    if not os.path.exists(copy):
        shutil.copytree(REPO, copy, symlinks=True, ignore=shutil.ignore_patterns(".git", ".build*", ".tools", ".vagrant"))
    chosen = [m for m in MUTATIONS if not only or m[0] in only]
    survivors = 0
    for mid, path, old, new, what, (kind, tests) in chosen:
        target = os.path.join(copy, path)
        with open(target) as f:
            original = f.read()
        if original.count(old) != 1:
            print("STALE    %-4s %-60s (%s: text not found once)" % (mid, what, path))
            survivors += 1
            continue
        with open(target, "w") as f:
            f.write(original.replace(old, new))
        try:
            rc, failed = check(copy, kind, tests)
        finally:
            with open(target, "w") as f:
                f.write(original)
        if rc == 0:
            survivors += 1
            print("SURVIVED %-4s %s" % (mid, what))
        else:
            print("caught   %-4s %-60s by %s" % (mid, what, failed or "(no test named)"))
        sys.stdout.flush()
    print("%d of %d mutations survived" % (survivors, len(chosen)))
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
