/// Cuts a byte stream into lines. Lines longer than `maxLine` are cut so that a stream
/// without newlines cannot grow memory without bound.
public struct LineSplitter: Sendable {
    private var pending: [UInt8] = []
    public let maxLine: Int

    public init(maxLine: Int = 16 * 1024) {
        self.maxLine = maxLine
    }

    public mutating func feed(_ bytes: some Sequence<UInt8>, _ emit: (String) -> Void) {
        for byte in bytes {
            if byte == 0x0A {
                emit(TextSanitizer.line(pending))
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
                if pending.count >= maxLine {
                    emit(TextSanitizer.line(pending))
                    pending.removeAll(keepingCapacity: true)
                }
            }
        }
    }

    /// Emits what is left after the stream closed without a final newline.
    public mutating func finish(_ emit: (String) -> Void) {
        if !pending.isEmpty {
            emit(TextSanitizer.line(pending))
            pending.removeAll()
        }
    }
}
