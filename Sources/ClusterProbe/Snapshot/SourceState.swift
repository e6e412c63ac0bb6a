/// One data source's latest value, its latest error, and how fresh each is.
/// A failed refresh keeps the last good value, so a blip does not blank the screen.
public struct SourceState<Value: Sendable & Equatable & Codable>: Sendable, Equatable, Codable {
    public var value: Value?
    /// One line: why the last refresh failed (nil after a success).
    public var error: String?
    /// What kind of failure that was, for views to branch on (nil after a success).
    public var errorKind: ProblemKind?
    /// When `value` was last refreshed successfully (seconds since 1970).
    public var freshAt: Int?
    /// When the source was last asked, successfully or not.
    public var checkedAt: Int?
    /// When the next attempt is due, so the UI can count down a retry.
    public var nextAttemptAt: Int?

    public init(value: Value? = nil, error: String? = nil, freshAt: Int? = nil, checkedAt: Int? = nil, nextAttemptAt: Int? = nil) {
        self.value = value
        self.error = error
        self.freshAt = freshAt
        self.checkedAt = checkedAt
        self.nextAttemptAt = nextAttemptAt
    }

    public mutating func succeed(_ value: Value, at now: Int) {
        self.value = value
        error = nil
        errorKind = nil
        freshAt = now
        checkedAt = now
    }

    public mutating func fail(_ problem: Problem, at now: Int) {
        error = problem.text
        errorKind = problem.kind
        checkedAt = now
    }

    /// A failure with no more specific kind.
    public mutating func fail(_ message: String, at now: Int) {
        fail(Problem(.failed, message), at: now)
    }

    /// Records a command's outcome: the value, or the problem `diagnose` makes of the error.
    public mutating func apply(_ result: Result<Value, CommandError>, at now: Int,
                               diagnose: (CommandError) -> Problem = KubectlDiagnosis.problem) {
        apply(result.mapError(diagnose), at: now)
    }

    /// Records an attempt's outcome: the value, or the problem.
    public mutating func apply(_ result: Result<Value, Problem>, at now: Int) {
        switch result {
        case .success(let value): succeed(value, at: now)
        case .failure(let problem): fail(problem, at: now)
        }
    }

    /// The poller's one place for an attempt's bookkeeping: the outcome, when it was asked, and
    /// when the next attempt is due (`nextAttemptIn` nil: none is scheduled, e.g. a live stream).
    /// The loops only decide the delay. Due times are whole seconds, like every other time here.
    public mutating func record(_ result: Result<Value, Problem>, at now: Int, nextAttemptIn delay: Duration?) {
        apply(result, at: now)
        nextAttemptAt = delay.map { now + Int($0.components.seconds) }
    }

    /// `record` for a command's outcome; `diagnose` turns its error into a problem.
    public mutating func record(_ result: Result<Value, CommandError>, at now: Int, nextAttemptIn delay: Duration?,
                                diagnose: (CommandError) -> Problem = KubectlDiagnosis.problem) {
        record(result.mapError(diagnose), at: now, nextAttemptIn: delay)
    }
}

/// So an attempt's outcome is a plain `Result<Value, Problem>`.
extension Problem: Error {}
