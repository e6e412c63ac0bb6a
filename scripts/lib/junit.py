"""Counts test results across the suites' JUnit XML reports and the checks' JSON lines.

    junit.py case FILE NAME RC OUTPUT   record one check (OUTPUT - reads it from stdin)
    junit.py count FILE                 print how many test cases a report holds (0: none, or unreadable)
    junit.py summary DIR                print failures, then `N passed, N failed[, N skipped]`;
                                        exit 1 if anything failed or was skipped, or nothing ran
"""
import glob
import json
import os
import sys
import xml.etree.ElementTree as ET


def record(path, name, rc, output):
    with open(path, "a") as f:
        f.write(json.dumps({"name": name, "ok": rc == "0", "output": output[-2000:]}) + "\n")


def count(path):
    try:
        return sum(1 for _ in ET.parse(path).iter("testcase"))
    except (OSError, ET.ParseError):
        return 0


def summary(directory):
    passed = failed = skipped = 0
    failures = []
    for path in sorted(glob.glob(os.path.join(directory, "*.xml"))):
        try:
            tree = ET.parse(path)
        except ET.ParseError as e:
            failed += 1
            failures.append("%s: unreadable report (%s)" % (os.path.basename(path), e))
            continue
        for case in tree.iter("testcase"):
            name = "%s.%s" % (case.get("classname", ""), case.get("name", ""))
            if case.find("failure") is not None or case.find("error") is not None:
                failed += 1
                failures.append(name)
            elif case.find("skipped") is not None:
                # A test that did not run proves nothing: it counts as failed (its cause is named).
                skipped += 1
                failed += 1
                failures.append("%s (skipped: %s)" % (name, (case.find("skipped").get("message") or "").strip()))
            else:
                passed += 1
    checks = os.path.join(directory, "checks.jsonl")
    if os.path.exists(checks):
        with open(checks) as f:
            for line in f:
                item = json.loads(line)
                if item["ok"]:
                    passed += 1
                else:
                    failed += 1
                    failures.append("check: " + item["name"])
    for name in failures:
        print("FAILED " + name)
    line = "%d passed, %d failed" % (passed, failed)
    if skipped:
        line += ", %d skipped" % skipped  # already counted as failed
    print(line)
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    if sys.argv[1] == "case":
        output = sys.stdin.read() if sys.argv[5] == "-" else sys.argv[5]
        record(sys.argv[2], sys.argv[3], sys.argv[4], output)
    elif sys.argv[1] == "count":
        print(count(sys.argv[2]))
    elif sys.argv[1] == "summary":
        sys.exit(summary(sys.argv[2]))
    else:
        sys.exit("usage: junit.py case FILE NAME RC OUTPUT | count FILE | summary DIR")
