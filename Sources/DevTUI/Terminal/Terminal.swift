import ClusterProbe
import CNCurses

/// The only place that calls ncurses. Everything it paints comes from a `Frame`.
final class Terminal {
    private(set) var isActive = false
    private var colorEnabled: Bool
    private(set) var unicode: Bool

    /// `setlocale` decides whether wide text and box characters work; a non-UTF-8 locale gets ASCII.
    init(color: Bool) {
        let locale = setlocale(LC_ALL, "").map { String(cString: $0) } ?? "C"
        let codeset = String(cString: nl_langinfo(nl_item(CODESET)))
        unicode = codeset.uppercased().replacingDashes() == "UTF8" || locale.uppercased().contains("UTF-8") || locale.uppercased().contains("UTF8")
        colorEnabled = color
    }

    func start() {
        guard !isActive else { return }
        _ = initscr()
        cbreak()           // Ctrl-C still raises SIGINT, which the dashboard turns into a clean quit
        noecho()
        nonl()
        keypad(devtui_stdscr(), true)
        curs_set(0)
        // Reads never block: the loop sleeps in waitForInput, on the terminal and its doorbell.
        nodelay(devtui_stdscr(), true)
        if colorEnabled, has_colors() {
            start_color()
            use_default_colors()
            init_pair(1, Int16(COLOR_GREEN), -1)
            init_pair(2, Int16(COLOR_YELLOW), -1)
            init_pair(3, Int16(COLOR_RED), -1)
            init_pair(4, Int16(COLOR_CYAN), -1)
            init_pair(5, Int16(COLOR_BLUE), -1)
        } else {
            colorEnabled = false
        }
        isActive = true
        painted = nil
    }

    /// Leaves curses mode (for `kubectl exec -it` or at exit). Safe to call twice.
    func suspend() {
        guard isActive else { return }
        endwin()
        isActive = false
    }

    func resume() {
        guard !isActive else { return }
        refresh()
        clearok(devtui_stdscr(), true)
        isActive = true
        painted = nil
    }

    var size: (width: Int, height: Int) { (Int(devtui_cols()), Int(devtui_lines())) }

    /// Sleeps until a key may be waiting, the doorbell rings, a signal arrives (a resize), or
    /// `timeoutMs` passes. Keys already read into curses' buffer are for readKey to take first.
    /// False when the terminal is gone (hung up): nothing will ever be typed again.
    func waitForInput(or doorbell: Doorbell, timeoutMs: Int) -> Bool {
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: doorbell.readFD, events: Int16(POLLIN), revents: 0)]
        _ = poll(&fds, nfds_t(fds.count), Int32(clamping: max(0, timeoutMs)))
        return fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) == 0
    }

    /// The next key typed, without waiting. Nil when none is there.
    func readKey() -> Key? {
        var wch: wint_t = 0
        let rc = wget_wch(devtui_stdscr(), &wch)
        if rc == devtui_err() { return nil }
        if rc == KEY_CODE_YES {
            switch Int32(wch) {
            case devtui_key_up(): return .up
            case devtui_key_down(): return .down
            case devtui_key_ppage(): return .pageUp
            case devtui_key_npage(): return .pageDown
            case devtui_key_home(): return .home
            case devtui_key_end(): return .end
            case devtui_key_resize(): return .resize
            default: return nil
            }
        }
        guard let scalar = Unicode.Scalar(UInt32(wch)) else { return nil }
        return .char(Character(scalar))
    }

    /// What is on the terminal now, row by row: a repaint writes only the rows that differ.
    /// Nil after start, resume or a size change, when curses' screen is not ours to trust.
    private var painted: Frame?

    /// The next paint writes every row (after a resize curses may have moved or lost cells).
    func invalidate() { painted = nil }

    func paint(_ frame: Frame) {
        // An idle dashboard repaints for a clock or one changed figure: rewriting every cell
        // through curses each time was most of its CPU. Rows already on screen are skipped, and
        // a frame with none changed costs no refresh.
        let previous = painted.flatMap { $0.width == frame.width && $0.height == frame.height ? $0 : nil }
        if previous == nil { werase(devtui_stdscr()) }
        var spilled = false
        var wrote = previous == nil
        for (y, row) in frame.rows.enumerated() where spilled || previous?.rows[y] != row {
            // A run the C library finds wider than TextWidth does (some emoji) wraps into the next
            // row: repaint that one too, or it keeps the stray cells.
            spilled = paintRow(row, y: y, isLast: y == frame.height - 1, width: frame.width)
            wrote = true
        }
        if wrote { wrefresh(devtui_stdscr()) }
        painted = frame
    }

    /// One row, in runs of one style. Cleared first: where the C library's width of a character
    /// differs from TextWidth's (U+2060, U+FEFF, many emoji), curses writes fewer or more cells
    /// than the frame holds, and cells it does not reach would keep the previous row's text.
    /// True when a run wrapped past the row's end into the next row.
    private func paintRow(_ row: [Cell], y: Int, isLast: Bool, width: Int) -> Bool {
        var spilled = false
        wmove(devtui_stdscr(), Int32(y), 0)
        wclrtoeol(devtui_stdscr())
        var x = 0
        while x < row.count {
            let style = row[x].style
            var run = ""
            let start = x
            while x < row.count, row[x].style == style {
                if !row[x].continuation { run.append(row[x].char) }
                x += 1
            }
            let attr = attribute(style)
            wattr_on(devtui_stdscr(), attr_t(UInt32(bitPattern: attr)), nil)
            let text = unicode ? run : String(String.UnicodeScalarView(run.unicodeScalars.map { $0.isASCII ? $0 : "?" }))
            var wide = Array(text.unicodeScalars.map { wchar_t(bitPattern: $0.value) }) + [0]
            // The bottom-right cell cannot be written without scrolling: skip it.
            let count = (isLast && x == width) ? Int32(wide.count - 2) : -1
            _ = mvwaddnwstr(devtui_stdscr(), Int32(y), Int32(start), &wide, count)
            wattr_off(devtui_stdscr(), attr_t(UInt32(bitPattern: attr)), nil)
            // Only a run that ends at the frame's last column may leave the cursor on the next row,
            // at its start; anything further went past the edge.
            let cursorY = Int(devtui_cury())
            if cursorY > y + 1 || (cursorY == y + 1 && (devtui_curx() > 0 || x < width)) { spilled = true }
        }
        return spilled
    }

    private func attribute(_ style: Style) -> Int32 {
        let color: (Int32) -> Int32 = { self.colorEnabled ? devtui_color_pair($0) : 0 }
        switch style {
        case .normal: return devtui_a_normal()
        case .bold: return devtui_a_bold()
        case .dim: return colorEnabled ? devtui_a_dim() : devtui_a_normal()
        case .reverse: return devtui_a_reverse()
        case .ok: return color(1)
        case .warn: return colorEnabled ? color(2) : devtui_a_bold()
        case .bad: return colorEnabled ? color(3) | devtui_a_bold() : devtui_a_bold()
        case .accent: return color(4)
        case .border: return color(5)
        case .title: return devtui_a_bold()
        }
    }
}

private extension String {
    func replacingDashes() -> String { String(filter { $0 != "-" }) }
}
