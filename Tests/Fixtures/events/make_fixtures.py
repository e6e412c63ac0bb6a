#!/usr/bin/env python3
"""Writes the Event/Node fixtures and the events scenarios (run from the repo root; output is committed).

Shapes follow kubectl's `-o json` (keys sorted, as kubectl prints unstructured objects):
- kubelet and controllers record through client-go tools/record: firstTimestamp, lastTimestamp,
  count set; eventTime null; reportingComponent = source.component.
- the scheduler records through events.k8s.io/v1 (client-go tools/events): in core/v1 that is
  eventTime (microseconds) set, firstTimestamp/lastTimestamp null, no count, `series` on repeats,
  `action`, reportingComponent default-scheduler, source {}.
"""
import copy
import json
import os
import shutil

NS = "devenv"


def legacy(name, pod, uid, reason, message, count, first, last, ns=NS, kind="Pod", typ="Warning", rv="13050"):
    return {
        "apiVersion": "v1", "count": count, "eventTime": None, "firstTimestamp": first,
        "involvedObject": {"apiVersion": "v1", "kind": kind, "name": pod, "namespace": ns,
                           "resourceVersion": "13001", "uid": uid, "fieldPath": "spec.containers{app}"} if kind == "Pod" else
                          {"apiVersion": "v1", "kind": kind, "name": pod, "namespace": ns, "resourceVersion": "13001", "uid": uid},
        "kind": "Event", "lastTimestamp": last, "message": message,
        "metadata": {"creationTimestamp": first, "name": name, "namespace": ns, "resourceVersion": rv,
                     "uid": "e-" + name},
        "reason": reason, "reportingComponent": "kubelet", "reportingInstance": "devenv",
        "source": {"component": "kubelet", "host": "devenv"}, "type": typ,
    }


def scheduler(name, pod, uid, message, event_time, series=None):
    e = {
        "action": "Scheduling", "apiVersion": "v1", "eventTime": event_time, "firstTimestamp": None,
        "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": pod, "namespace": NS,
                           "resourceVersion": "14001", "uid": uid},
        "kind": "Event", "lastTimestamp": None, "message": message,
        "metadata": {"creationTimestamp": event_time[:19] + "Z", "name": name, "namespace": NS,
                     "resourceVersion": "14050", "uid": "e-" + name},
        "reason": "FailedScheduling", "reportingComponent": "default-scheduler",
        "reportingInstance": "default-scheduler-devenv", "source": {}, "type": "Warning",
    }
    if series:
        e["series"] = series
    return e


def event_list(items):
    return {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}


def dump(path, obj):
    with open(path, "w") as f:
        f.write(json.dumps(obj, indent=4, sort_keys=True) + "\n")


def dump_watch(path, objects):
    with open(path, "w") as f:
        for o in objects:
            f.write(json.dumps({"type": "ADDED", "object": o}, indent=4, sort_keys=True) + "\n")


def node(name="devenv", ready="True", pressure=(), ready_reason="KubeletReady",
         ready_message="kubelet is posting ready status"):
    conds = []
    for t, ok_reason, bad_reason in [("MemoryPressure", "KubeletHasSufficientMemory", "KubeletHasInsufficientMemory"),
                                     ("DiskPressure", "KubeletHasNoDiskPressure", "KubeletHasDiskPressure"),
                                     ("PIDPressure", "KubeletHasSufficientPID", "KubeletHasInsufficientPID")]:
        bad = t in pressure
        conds.append({"lastHeartbeatTime": "2026-11-25T11:40:31Z", "lastTransitionTime": "2026-11-25T11:31:02Z",
                      "message": {"MemoryPressure": "kubelet has insufficient memory available" if bad else "kubelet has sufficient memory available",
                                  "DiskPressure": "kubelet has disk pressure" if bad else "kubelet has no disk pressure",
                                  "PIDPressure": "kubelet has insufficient PID available" if bad else "kubelet has sufficient PID available"}[t],
                      "reason": bad_reason if bad else ok_reason, "status": "True" if bad else "False", "type": t})
    conds.append({"lastHeartbeatTime": "2026-11-25T11:40:31Z", "lastTransitionTime": "2026-11-24T09:58:40Z",
                  "message": ready_message, "reason": ready_reason, "status": ready, "type": "Ready"})
    return {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"annotations": {"k3s.io/node-args": "[\"server\"]", "node.alpha.kubernetes.io/ttl": "0"},
                     "creationTimestamp": "2026-11-24T09:58:30Z",
                     "labels": {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
                                "node-role.kubernetes.io/control-plane": "true"},
                     "name": name, "resourceVersion": "15001", "uid": "n-" + name},
        "spec": {"podCIDR": "10.42.0.0/24", "providerID": "k3s://" + name,
                 "taints": [{"effect": "NoSchedule", "key": "node.kubernetes.io/disk-pressure"}] if "DiskPressure" in pressure else None},
        "status": {"addresses": [{"address": "192.168.56.10", "type": "InternalIP"}, {"address": name, "type": "Hostname"}],
                   "allocatable": {"cpu": "2", "memory": "2935096Ki", "pods": "110"},
                   "capacity": {"cpu": "2", "memory": "3037496Ki", "pods": "110"},
                   "conditions": conds,
                   "nodeInfo": {"containerRuntimeVersion": "docker://20.10.7", "kubeletVersion": "v1.34.1+k3s1",
                                "osImage": "Ubuntu 16.04.7 LTS", "architecture": "amd64", "operatingSystem": "linux"}},
    }


def clean_none(o):
    if isinstance(o, dict):
        return {k: clean_none(v) for k, v in o.items() if not (k == "taints" and v is None)}
    return o


def node_list(*nodes):
    return {"apiVersion": "v1", "items": [clean_none(n) for n in nodes], "kind": "List", "metadata": {"resourceVersion": ""}}


def pods(path):
    return json.load(open(path))


def write_pods(scenario, doc):
    dump(scenario + "/kubectl-get-pods", doc)
    dump_watch(scenario + "/kubectl-watch-pods", doc["items"])


def write_events(scenario, items):
    dump(scenario + "/kubectl-get-events", event_list(items))
    dump_watch(scenario + "/kubectl-watch-events", items)
    open(scenario + "/kubectl-watch-events.follow", "w").close()


def write_nodes(scenario, *nodes):
    dump(scenario + "/kubectl-get-nodes", node_list(*nodes))
    dump_watch(scenario + "/kubectl-watch-nodes", [clean_none(n) for n in nodes])
    open(scenario + "/kubectl-watch-nodes.follow", "w").close()


def new_scenario(name):
    path = "Tests/Fixtures/scenarios/" + name
    if os.path.exists(path):
        shutil.rmtree(path)
    shutil.copytree("Tests/Fixtures/scenarios/healthy", path)
    return path


APP_UID = "5d0e4c1e-0777-4f5b-9d2a-0c6e1f2b3a4d"
MYSQL_UID = "5d0e4c1e-6383-4f5b-9d2a-0c6e1f2b3a4d"
OLD_MYSQL_UID = "5d0e4c1e-6000-4f5b-9d2a-0c6e1f2b3a4d"
MOUNT_MSG = 'MountVolume.SetUp failed for volume "code" : hostPath type check failed: /vagrant/app is not a directory'
SCHED_MSG = ("0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: "
             "1 No preemption victims found for incoming pod.")


def failed_mount_pods():
    doc = pods("Tests/Fixtures/pods/healthy.json")
    app = doc["items"][0]
    app["metadata"]["name"] = "app-7d9f8c6b5-mnt01"
    app["metadata"]["uid"] = APP_UID
    app["metadata"]["creationTimestamp"] = "2026-11-25T11:38:10Z"
    st = app["status"]
    st["phase"] = "Pending"
    st.pop("podIP", None)
    st["startTime"] = "2026-11-25T11:38:10Z"
    for c in st["conditions"]:
        if c["type"] in ("PodReadyToStartContainers", "Ready", "ContainersReady"):
            c["status"] = "False"
            if c["type"] in ("Ready", "ContainersReady"):
                c["reason"] = "ContainersNotReady"
                c["message"] = "containers with unready status: [app]"
    st["containerStatuses"] = [{"image": "devenv-app:dev", "imageID": "", "lastState": {}, "name": "app", "ready": False,
                                "restartCount": 0, "started": False, "state": {"waiting": {"reason": "ContainerCreating"}}}]
    return doc


def failed_mount_events():
    return [
        legacy("app-7d9f8c6b5-mnt01.187b1c2d3e4f5a6b", "app-7d9f8c6b5-mnt01", APP_UID, "FailedMount", MOUNT_MSG, 6,
               "2026-11-25T11:38:12Z", "2026-11-25T11:41:27Z"),
        # A pod that is gone (replaced by the one above): never shown.
        legacy("app-7d9f8c6b5-gone1.187b0a0b0c0d0e0f", "app-7d9f8c6b5-gone1", "5d0e4c1e-0666-4f5b-9d2a-0c6e1f2b3a4d",
               "FailedMount", MOUNT_MSG, 9, "2026-11-25T11:20:00Z", "2026-11-25T11:37:00Z"),
        # mysql-0 before it was recreated: same name, other uid, never shown.
        legacy("mysql-0.187a9a8b7c6d5e4f", "mysql-0", OLD_MYSQL_UID, "Unhealthy",
               "Readiness probe failed: mysqladmin: connect to server at 'localhost' failed", 3,
               "2026-11-25T11:30:00Z", "2026-11-25T11:41:00Z"),
    ]


def failed_scheduling_pods():
    doc = pods("Tests/Fixtures/pods/healthy.json")
    mysql = doc["items"][1]
    mysql["metadata"]["creationTimestamp"] = "2026-11-25T11:39:02Z"
    mysql["spec"].pop("nodeName", None)
    mysql["status"] = {"phase": "Pending", "qosClass": "Burstable", "conditions": [{
        "lastProbeTime": None, "lastTransitionTime": "2026-11-25T11:39:02Z", "message": SCHED_MSG,
        "reason": "Unschedulable", "status": "False", "type": "PodScheduled"}]}
    return doc


def failed_scheduling_events():
    return [scheduler("mysql-0.187b1d0e1f2a3b4c", "mysql-0", MYSQL_UID, SCHED_MSG, "2026-11-25T11:39:02.417391Z",
                      {"count": 4, "lastObservedTime": "2026-11-25T11:41:47.123456Z"})]


def crashloop_events():
    return [legacy("app-7d9f8c6b5-c7zzp.187b0f1e2d3c4b5a", "app-7d9f8c6b5-c7zzp", "5d0e4c1e-0929-4f5b-9d2a-0c6e1f2b3a4d",
                   "BackOff", "Back-off restarting failed container app in pod app-7d9f8c6b5-c7zzp_devenv(5d0e4c1e-0929-4f5b-9d2a-0c6e1f2b3a4d)",
                   31, "2026-11-25T10:01:05Z", "2026-11-25T11:41:02Z")]


def main():
    # Unit fixtures.
    dump("Tests/Fixtures/pods/failed-mount.json", failed_mount_pods())
    dump("Tests/Fixtures/pods/failed-scheduling.json", failed_scheduling_pods())
    dump("Tests/Fixtures/events/failed-mount.json", event_list(failed_mount_events()))
    dump("Tests/Fixtures/events/failed-scheduling.json", event_list(failed_scheduling_events()))
    dump("Tests/Fixtures/events/crashloop.json", event_list(crashloop_events()))
    dump("Tests/Fixtures/nodes/ready.json", node_list(node()))
    dump("Tests/Fixtures/nodes/disk-pressure.json", node_list(node(pressure=("DiskPressure",))))
    dump("Tests/Fixtures/nodes/not-ready.json", node_list(node(ready="Unknown", ready_reason="NodeStatusUnknown",
                                                               ready_message="Kubelet stopped posting node status.")))
    # `kubectl get node devenv -o json` prints the Node itself, not a List.
    dump("Tests/Fixtures/nodes/single.json", clean_none(node()))
    hostile()

    # Scenarios: the healthy one plus what each case changes.
    for name in ("healthy", "oomkilled"):
        write_nodes("Tests/Fixtures/scenarios/" + name, node())
    crash = "Tests/Fixtures/scenarios/crashloop"
    write_nodes(crash, node())
    write_events(crash, crashloop_events())
    s = new_scenario("failed-mount")
    write_pods(s, failed_mount_pods())
    write_events(s, failed_mount_events())
    write_nodes(s, node())
    # Stuck, then fixed: one object per line, 3 s apart (the event watch must start, then stop).
    s = new_scenario("failed-mount-recovers")
    stuck = failed_mount_pods()
    write_pods(s, stuck)
    fixed = pods("Tests/Fixtures/pods/healthy.json")["items"][0]
    fixed["metadata"]["name"] = "app-7d9f8c6b5-mnt01"
    fixed["metadata"]["uid"] = APP_UID
    with open(s + "/kubectl-watch-pods", "w") as f:
        for change in [{"type": "ADDED", "object": o} for o in stuck["items"]] + [{"type": "MODIFIED", "object": fixed}]:
            f.write(json.dumps(change, sort_keys=True) + "\n")
    with open(s + "/kubectl-watch-pods.delay", "w") as f:
        f.write("3\n")
    write_events(s, failed_mount_events())
    write_nodes(s, node())
    s = new_scenario("failed-scheduling")
    write_pods(s, failed_scheduling_pods())
    write_events(s, failed_scheduling_events())
    write_nodes(s, node())
    s = new_scenario("disk-pressure")
    write_nodes(s, node(pressure=("DiskPressure",)))
    s = new_scenario("node-not-ready")
    write_nodes(s, node(ready="Unknown", ready_reason="NodeStatusUnknown", ready_message="Kubelet stopped posting node status."))


def hostile():
    """Bad input, all about the failed-mount pod: each must end as a bounded line or be left out."""
    base = failed_mount_events()[0]
    items = []
    huge = copy.deepcopy(base)
    huge["metadata"]["name"] = huge["metadata"]["uid"] = "huge"
    huge["message"] = ("line one\nline two\r\n\x1b[2J\x1b[31mred\x07 " + "x" * 100_000)
    huge["lastTimestamp"] = "2026-11-25T11:41:30Z"
    items.append(huge)
    new_api = scheduler("newapi", "app-7d9f8c6b5-mnt01", APP_UID, "no lastTimestamp at all", "2026-11-25T11:41:20.000001Z")
    items.append(new_api)
    future = copy.deepcopy(base)
    future["metadata"]["name"] = future["metadata"]["uid"] = "future"
    future["reason"] = "FromTheFuture"
    future["lastTimestamp"] = "2099-01-01T00:00:00Z"
    items.append(future)
    other_ns = copy.deepcopy(base)
    other_ns["metadata"]["name"] = other_ns["metadata"]["uid"] = "otherns"
    other_ns["involvedObject"]["namespace"] = "kube-system"
    other_ns["metadata"]["namespace"] = "kube-system"
    other_ns["lastTimestamp"] = "2026-11-25T11:42:00Z"
    items.append(other_ns)
    normal = copy.deepcopy(base)
    normal["metadata"]["name"] = normal["metadata"]["uid"] = "normal"
    normal["type"] = "Normal"
    normal["lastTimestamp"] = "2026-11-25T11:42:01Z"
    items.append(normal)
    node_event = copy.deepcopy(base)
    node_event["metadata"]["name"] = node_event["metadata"]["uid"] = "nodeevent"
    node_event["involvedObject"] = {"kind": "Node", "name": "devenv", "uid": "devenv"}
    items.append(node_event)
    wrong = copy.deepcopy(base)
    wrong["metadata"]["name"] = wrong["metadata"]["uid"] = "wrongtype"
    wrong["count"] = "six"
    items.append(wrong)
    # Thousands of events: the tests multiply a filler (see WarningEventTests, test_dashboard).
    text = json.dumps(event_list(items), indent=4, sort_keys=True)
    # Invalid UTF-8 inside a message (kubectl itself would print U+FFFD; a proxy or a bug may not).
    bad = copy.deepcopy(base)
    bad["metadata"]["name"] = bad["metadata"]["uid"] = "badutf8"
    bad["message"] = "BADBYTES"
    bad["lastTimestamp"] = "2026-11-25T11:41:10Z"
    blob = text.encode()
    marker = b'"items": ['
    entry = json.dumps(bad, sort_keys=True).encode().replace(b"BADBYTES", b"bad \xff\xfe bytes \xc3")
    blob = blob.replace(marker, marker + b"\n" + entry + b",", 1)
    open("Tests/Fixtures/events/hostile.json", "wb").write(blob + b"\n")


if __name__ == "__main__":
    main()
