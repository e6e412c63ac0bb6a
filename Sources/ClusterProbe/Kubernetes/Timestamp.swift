/// RFC 3339 timestamps as Kubernetes writes them (`2026-11-25T10:03:12Z`), without Foundation.
public enum Timestamp {
    public static func parse(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54,
              bytes[13] == 0x3A, bytes[16] == 0x3A else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for b in bytes[range] {
                guard b >= 0x30, b <= 0x39 else { return nil }
                value = value * 10 + Int(b - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var offset = 0
        var rest = bytes[19...].drop { $0 == 0x2E || ($0 >= 0x30 && $0 <= 0x39) } // fractional seconds
        if rest.first == 0x5A || rest.first == 0x7A {
            rest = rest.dropFirst()
        } else if let sign = rest.first, sign == 0x2B || sign == 0x2D, rest.count >= 6 {
            let r = Array(rest)
            guard let oh = Int(String(decoding: r[1..<3], as: UTF8.self)),
                  let om = Int(String(decoding: r[4..<6], as: UTF8.self)) else { return nil }
            offset = (oh * 3600 + om * 60) * (sign == 0x2B ? 1 : -1)
        } else {
            return nil
        }
        return daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset
    }

    /// Howard Hinnant's days_from_civil: days since 1970-01-01 in the proleptic Gregorian calendar.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func now() -> Int {
        Int(time(nil))
    }
}
