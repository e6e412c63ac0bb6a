/// Cuts a byte stream into sanitized lines. Lines longer than `maxLine` are cut so that a stream
/// without newlines cannot grow memory without bound. Hot path of a log flood: memchr for the
/// newlines, and no copy for a line that arrives whole in one chunk.
public struct LineSplitter: Sendable {
    private var pending: [UInt8] = []
    public let maxLine: Int
    /// `\r` ends a line too, and terminal control sequences (`\e[K`) are dropped: for progress
    /// meters that redraw one line. Empty pieces between them are skipped.
    public let carriageReturnEndsLine: Bool

    public init(maxLine: Int = 16 * 1024, carriageReturnEndsLine: Bool = false) {
        self.maxLine = maxLine
        self.carriageReturnEndsLine = carriageReturnEndsLine
    }

    public mutating func feed(_ bytes: some Collection<UInt8>, _ emit: (String) -> Void) {
        let array = Array(bytes)
        array.withUnsafeBytes { feed(raw: $0, emit) }
    }

    public mutating func feed(raw bytes: UnsafeRawBufferPointer, _ emit: (String) -> Void) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        if carriageReturnEndsLine {
            // Not the log-flood path: a byte loop is fine.
            for byte in bytes {
                if byte == 0x0A || byte == 0x0D {
                    let line = Self.withoutControlSequences(pending)
                    pending.removeAll(keepingCapacity: true)
                    if !line.allSatisfy({ $0 == 0x20 }) { emit(TextSanitizer.line(line)) }
                } else {
                    pending.append(byte)
                    if pending.count >= maxLine { flushPending(emit) }
                }
            }
            return
        }
        var start = 0
        while start < bytes.count {
            let found = memchr(base + start, 0x0A, bytes.count - start)
            let end = found.map { base.distance(to: UnsafeRawPointer($0)) } ?? bytes.count
            let piece = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            if found != nil {
                if pending.isEmpty, piece.count <= maxLine {
                    emit(TextSanitizer.line(piece))
                } else {
                    append(piece, emit)
                    flushPending(emit)
                }
                start = end + 1
            } else {
                append(piece, emit)
                start = end
            }
        }
    }

    /// Adds to the unfinished line, cutting it at `maxLine`.
    private mutating func append(_ piece: UnsafeRawBufferPointer, _ emit: (String) -> Void) {
        var rest = piece[...]
        while !rest.isEmpty {
            let room = maxLine - pending.count
            let take = rest.prefix(room)
            pending.append(contentsOf: take)
            rest = rest.dropFirst(take.count)
            if pending.count >= maxLine { flushPending(emit) }
        }
    }

    private mutating func flushPending(_ emit: (String) -> Void) {
        guard !pending.isEmpty else { return }
        emit(TextSanitizer.line(pending))
        pending.removeAll(keepingCapacity: true)
    }

    /// Drops `ESC [ parameters final-byte` sequences (cursor and erase commands).
    static func withoutControlSequences(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(0x1B) else { return bytes }
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x1B, i + 1 < bytes.count, bytes[i + 1] == 0x5B {
                var j = i + 2
                while j < bytes.count, !(0x40...0x7E).contains(bytes[j]) { j += 1 }
                i = j + 1
                continue
            }
            out.append(bytes[i])
            i += 1
        }
        return out
    }

    /// Emits what is left after the stream closed without a final newline.
    public mutating func finish(_ emit: (String) -> Void) {
        if carriageReturnEndsLine { pending = Self.withoutControlSequences(pending) }
        flushPending(emit)
    }
}
