#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Decoding of kubectl's JSON into our types, with one-line errors.
public enum KubeJSON {
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], tool: String = "kubectl") throws(CommandError) -> T {
        guard !bytes.isEmpty else { throw .malformedOutput(tool: tool, reason: "empty output") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let DecodingError.dataCorrupted(context) {
            throw .malformedOutput(tool: tool, reason: "not JSON (\(Self.describe(context)))")
        } catch let DecodingError.keyNotFound(key, context) {
            throw .malformedOutput(tool: tool, reason: "missing \(Self.path(context.codingPath + [key]))")
        } catch let DecodingError.typeMismatch(_, context) {
            throw .malformedOutput(tool: tool, reason: "unexpected type at \(Self.path(context.codingPath))")
        } catch {
            throw .malformedOutput(tool: tool, reason: "not the expected JSON")
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }

    static func describe(_ context: DecodingError.Context) -> String {
        context.codingPath.isEmpty ? "truncated or invalid" : "invalid at \(path(context.codingPath))"
    }
}

/// Splits a stream of concatenated JSON documents (what `kubectl get --watch -o json` prints)
/// into one byte array per top-level object.
public struct JSONObjectSplitter: Sendable {
    private var buffer: [UInt8] = []
    private var depth = 0
    private var inString = false
    private var escaped = false
    public let maxObject: Int

    public init(maxObject: Int = 8 * 1_048_576) {
        self.maxObject = maxObject
    }

    /// Feeds bytes; calls `emit` for each complete object. Returns false if an object grew past
    /// `maxObject` (the buffer is dropped and the splitter resynchronises at the next `{`).
    @discardableResult
    public mutating func feed(_ bytes: some Sequence<UInt8>, _ emit: ([UInt8]) -> Void) -> Bool {
        var ok = true
        for byte in bytes {
            if depth == 0 {
                guard byte == UInt8(ascii: "{") else { continue }
            }
            buffer.append(byte)
            if inString {
                if escaped { escaped = false }
                else if byte == UInt8(ascii: "\\") { escaped = true }
                else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 {
                    emit(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            if buffer.count > maxObject {
                buffer.removeAll()
                depth = 0
                inString = false
                escaped = false
                ok = false
            }
        }
        return ok
    }
}
