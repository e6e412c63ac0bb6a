struct Rect: Equatable, Sendable {
    var x, y, width, height: Int
    var maxY: Int { y + height }
    var innerHeight: Int { max(0, height - 2) }
}

/// Where each panel goes for a terminal size: a pure function, unit tested (lazygit's approach).
struct Layout: Equatable, Sendable {
    static let minWidth = 60
    static let minHeight = 15
    /// From this width up, App and MySQL sit beside the Pods panel.
    static let wideWidth = 90

    enum Kind: Equatable, Sendable { case tooSmall, narrow, wide }

    var kind: Kind
    var header: Rect
    var pods: Rect
    /// Wide: the App box. Narrow: one box holding an App line and a MySQL line.
    var app: Rect
    /// Wide: the MySQL box below App. Narrow: nil (shares `app`).
    var volume: Rect?
    var logs: Rect
    var footer: Rect

    static func compute(width: Int, height: Int, podCount: Int) -> Layout {
        let zero = Rect(x: 0, y: 0, width: 0, height: 0)
        guard width >= minWidth, height >= minHeight else {
            return Layout(kind: .tooSmall, header: zero, pods: zero, app: zero, volume: nil, logs: zero, footer: zero)
        }
        let header = Rect(x: 0, y: 0, width: width, height: 1)
        let footer = Rect(x: 0, y: height - 1, width: width, height: 1)
        let body = height - 2
        // Logs keep at least 4 rows (2 lines) and about 40% of the body.
        let minLogs = max(4, body * 2 / 5)
        if width >= wideWidth {
            let right = min(50, max(40, width * 40 / 100))
            let rightNeed = 5 + 4 // App box (3 lines) + MySQL box (2 lines)
            let podsNeed = max(3, podCount * 2) + 3 // room for a reason line under a failing pod
            let top = min(max(rightNeed, podsNeed), body - minLogs)
            let appHeight = min(5, max(3, top - 4))
            return Layout(
                kind: .wide, header: header,
                pods: Rect(x: 0, y: 1, width: width - right, height: top),
                app: Rect(x: width - right, y: 1, width: right, height: appHeight),
                volume: Rect(x: width - right, y: 1 + appHeight, width: right, height: top - appHeight),
                logs: Rect(x: 0, y: 1 + top, width: width, height: body - top),
                footer: footer)
        }
        let statusBox = 4
        // Narrow screens are short too: logs give up rows first, down to 2 lines.
        let narrowLogs = max(4, body / 3)
        let podsHeight = min(max(2, podCount) + 3, body - narrowLogs - statusBox)
        let podsRect = Rect(x: 0, y: 1, width: width, height: max(3, podsHeight))
        let appRect = Rect(x: 0, y: podsRect.maxY, width: width, height: statusBox)
        return Layout(kind: .narrow, header: header, pods: podsRect, app: appRect, volume: nil,
                      logs: Rect(x: 0, y: appRect.maxY, width: width, height: height - 1 - appRect.maxY), footer: footer)
    }
}
