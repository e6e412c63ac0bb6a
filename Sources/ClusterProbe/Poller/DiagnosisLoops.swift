/// The "why is it broken" sources: Warning events while something is unhealthy, node conditions.
///
/// Events: a watch, not a periodic list. A list every few seconds while a pod crash-loops would
/// start a kubectl each time (30-50 ms CPU each) and fetch every Warning of the last hour again;
/// the watch starts one kubectl when the first pod turns unhealthy, prints the current Warnings
/// once, then only changes (a repeating event is one small MODIFIED), and is stopped 15 s after
/// everything is healthy again. Healthy: no events process at all.
///
/// Nodes: a watch too, for the whole session. The kubelet posts node status when a condition
/// changes and otherwise every 5 min (nodeStatusReportFrequency, with node leases), so the
/// stream is quiet and a pressure condition shows within seconds; polling every 30 s would cost
/// two kubectl starts a minute while healthy and be slower to notice.
extension Poller {
    static let healthyGrace = 15_000

    func eventLoop() async {
        var backoff = Backoff(ceiling: config.intervals.maxBackoff)
        while !Task.isCancelled {
            guard model.snapshot().needsEvents else {
                model.update { $0.events = SourceState() }
                await wakeups.sleep(.seconds(300), or: .events)
                continue
            }
            let started = time.monotonicMs()
            let end = await watchEvents()
            guard !Task.isCancelled else { return }
            guard let end else {
                // Healthy again: the watch was stopped on purpose.
                backoff.reset()
                continue
            }
            if closedByServer(end, startedAt: started) {
                backoff.reset()
                continue
            }
            let reason = Problem(.failed, "event watch ended: " + KubectlDiagnosis.describe(end))
            // A plain sleep: pod changes wake `.events` and must not cut a backoff short.
            await time.sleep(for: watchFailed(reason, on: \.events, backoff: &backoff))
        }
    }

    /// Runs the event watch until it ends (its result) or everything is healthy again (nil).
    private func watchEvents() async -> Result<StreamEnd, CommandError>? {
        let namespace = config.target.namespace
        let table = Locked(WarningEventTable(namespace: namespace))
        let stream = Locked(WatchStream())
        let model = self.model
        let wakeups = self.wakeups
        let time = self.time
        let publish: @Sendable () -> Void = {
            let snap = model.snapshot()
            let digest = table.with { $0.digest(pods: snap.pods.value ?? [], claim: snap.volume.value?.claim) }
            let now = time.now()
            model.update { snap in
                if snap.events.value != digest || snap.events.error != nil {
                    snap.events.record(.success(digest), at: now, nextAttemptIn: nil)
                }
            }
        }
        return await withTaskGroup(of: Result<StreamEnd, CommandError>?.self) { group in
            group.addTask {
                await self.runner.stream(self.config.target.watchWarningEvents(), mergeStderr: false) { lines in
                    let objects = stream.with { $0.objects(from: lines) }
                    guard !objects.isEmpty else { return }
                    let now = time.now()
                    for object in objects {
                        // One odd object is skipped; the stream goes on.
                        guard let change = try? KubeJSON.decode(EventWatchEvent.self, from: object) else { continue }
                        table.with { $0.apply(change, now: now) }
                    }
                    publish()
                }
            }
            // Republishes when pods change (a new pod, a pod gone), stops the watch when all is well.
            group.addTask {
                var healthySince: Int?
                while !Task.isCancelled {
                    let snap = model.snapshot()
                    if snap.events.value != nil { publish() }
                    if snap.needsEvents {
                        healthySince = nil
                        await wakeups.sleep(.seconds(300), or: .events)
                    } else if let since = healthySince, time.monotonicMs() - since >= Self.healthyGrace {
                        return nil
                    } else {
                        healthySince = healthySince ?? time.monotonicMs()
                        await wakeups.sleep(.milliseconds(Self.healthyGrace), or: .events)
                    }
                }
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    func nodeLoop() async {
        var backoff = Backoff(ceiling: .seconds(300))
        while !Task.isCancelled {
            // No cluster yet (VM not created, unreachable): the pod loop already says so and retries.
            let pods = model.snapshot().pods
            guard pods.freshAt != nil, pods.error == nil else {
                // The pod loop wakes `.nodes` when its list succeeds.
                await wakeups.sleep(.seconds(60), or: .nodes)
                continue
            }
            let started = time.monotonicMs()
            let end = await watchNodes()
            guard !Task.isCancelled else { return }
            if closedByServer(end, startedAt: started) {
                backoff.reset()
                continue
            }
            // Forbidden on a shared cluster, or the cluster went away: say so in the source, back
            // off up to 5 min (a missing permission does not come back by itself).
            let reason = Problem(.failed, "node watch ended: " + KubectlDiagnosis.describe(end))
            await time.sleep(for: watchFailed(reason, on: \.node, backoff: &backoff))
        }
    }

    private func watchNodes() async -> Result<StreamEnd, CommandError> {
        let nodes = Locked([String: NodeHealth]())
        let stream = Locked(WatchStream())
        let model = self.model
        let time = self.time
        return await runner.stream(config.target.watchNodes(), mergeStderr: false) { lines in
            let objects = stream.with { $0.objects(from: lines) }
            guard !objects.isEmpty else { return }
            let list = nodes.with { table -> [NodeHealth] in
                for object in objects {
                    guard let change = try? KubeJSON.decode(NodeWatchEvent.self, from: object) else { continue }
                    let name = change.object.metadata.name
                    switch change.type {
                    case "DELETED": table[name] = nil
                    case "ADDED", "MODIFIED":
                        if table[name] != nil || table.count < Probes.nodeLimit { table[name] = NodeHealth(change.object) }
                    default: break
                    }
                }
                return table.values.sorted { $0.name < $1.name }
            }
            // Unchanged conditions (a heartbeat, a new image) leave the model as it is: no redraw.
            let now = time.now()
            model.update { snap in
                if snap.node.value != list || snap.node.error != nil || snap.node.freshAt == nil {
                    snap.node.record(.success(list), at: now, nextAttemptIn: nil)
                }
            }
        }
    }
}
