/// Turns the lines a `kubectl --watch -o json` stream arrives in back into JSON objects.
///
/// The runner cuts lines at LineSplitter's `maxLine` (16 KiB) so a stream without newlines cannot
/// grow memory; kubectl's indented JSON only has lines that long inside a long string (an event
/// message of 100 kB). A cut piece is exactly `maxLine` bytes: it gets no newline back, so the
/// string stays whole and the object decodes. (A cut through a multi-byte character comes back
/// shorter, as U+FFFD: that object fails to decode and is left out, the stream goes on.)
public struct WatchStream: Sendable {
    private var splitter: JSONObjectSplitter
    private let cutLength: Int

    public init(maxObject: Int = 8 * 1_048_576, cutLength: Int = LineSplitter().maxLine) {
        splitter = JSONObjectSplitter(maxObject: maxObject)
        self.cutLength = cutLength
    }

    /// The complete objects the lines finish.
    public mutating func objects(from lines: [String]) -> [[UInt8]] {
        var objects: [[UInt8]] = []
        for line in lines {
            var bytes = Array(line.utf8)
            if bytes.count != cutLength { bytes.append(0x0A) }
            splitter.feed(bytes) { objects.append($0) }
        }
        return objects
    }
}
