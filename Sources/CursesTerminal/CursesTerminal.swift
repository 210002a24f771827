import CNCurses
import Foundation
import TerminalKit

/// The real terminal: ncursesw. Draws only the rows that changed since the
/// last frame, puts the hardware cursor on the focused item, decodes keys
/// (with instant Esc) and reports resizes as events. Every curses call in the
/// product is in this type.
public final class CursesTerminal: Terminal {
    let color: Bool
    var last: Frame?
    public private(set) var size: Size

    /// Takes over the terminal. `color` false for NO_COLOR, TERM=dumb or --no-color.
    public init(color: Bool, idleMilliseconds: Int32 = 200) throws {
        guard cw_start(color ? 1 : 0, idleMilliseconds) == 0 else {
            throw CocoaError(.featureUnsupported)
        }
        self.color = color
        size = Size(width: Int(cw_cols()), height: Int(cw_lines()))
    }

    deinit { cw_stop() }

    /// Whether this terminal (by TERM and terminfo) can place text at a row and column; a dumb terminal cannot.
    public static var canAddressCursor: Bool { cw_can_address() == 1 }

    /// Gives the terminal back as it was.
    public func stop() { cw_stop() }

    public func present(_ frame: Frame) {
        if last?.size != frame.size { last = nil }
        for y in 0..<frame.size.height where last == nil || rowDiffers(y, frame) {
            cw_move(Int32(y), 0)
            var x = 0
            var style: Style?
            var run: [wchar_t] = []
            var placed = true
            func flush() {
                if !run.isEmpty { run.withUnsafeBufferPointer { cw_put($0.baseAddress, Int32($0.count)) } }
                run.removeAll(keepingCapacity: true)
            }
            // Every cell of the row is written, blanks included, so nothing is cleared: clearing to the end
            // of a row written to its last column cleared the row below (curses had moved on to it), which
            // blanked unchanged rows under a changed one until the next full redraw.
            while x < frame.size.width {
                let cell = frame[x, y]
                if cell.text.isEmpty { x += 1; placed = false; continue }
                if style != cell.style || !placed {
                    flush()
                    if !placed { cw_move(Int32(y), Int32(x)) }
                    apply(cell.style)
                    style = cell.style
                    placed = true
                }
                for scalar in cell.text.unicodeScalars { run.append(wchar_t(bitPattern: scalar.value)) }
                x += 1
            }
            flush()
            cw_style(0, 0, 0, 0, 0)
        }
        if let c = frame.cursor {
            cw_cursor(1)
            cw_move(Int32(c.y), Int32(c.x))
        } else {
            cw_cursor(0)
        }
        cw_refresh()
        last = frame
    }

    func rowDiffers(_ y: Int, _ frame: Frame) -> Bool {
        guard let last else { return true }
        for x in 0..<frame.size.width where last[x, y] != frame[x, y] { return true }
        return false
    }

    func apply(_ s: Style) {
        var pair: Int32 = 0
        if color {
            switch s.tone {
            case .normal: pair = 0
            case .missing: pair = Int32(CW_PAIR_MISSING)
            case .check: pair = Int32(CW_PAIR_CHECK)
            case .advice: pair = Int32(CW_PAIR_ADVICE)
            case .accent: pair = Int32(CW_PAIR_ACCENT)
            case .ok: pair = Int32(CW_PAIR_OK)
            }
        }
        cw_style(s.bold ? 1 : 0, s.reverse ? 1 : 0, s.underline ? 1 : 0, s.dim ? 1 : 0, pair)
    }

    /// The signal that asked us to stop, if one did.
    public var stopSignal: Int32 { cw_stop_requested() }

    public func nextEvent() -> TerminalEvent {
        if cw_stop_requested() != 0 { return .stop }
        var ch: wint_t = 0
        let r = cw_get(&ch)
        if cw_stop_requested() != 0 { return .stop }
        if r == ERR { return cw_terminal_gone() != 0 ? .stop : .idle }
        if r == KEY_CODE_YES {
            switch Int32(ch) {
            case KEY_RESIZE:
                size = Size(width: Int(cw_cols()), height: Int(cw_lines()))
                last = nil
                return .resize(size)
            case KEY_UP: return .key(.up)
            case KEY_DOWN: return .key(.down)
            case KEY_LEFT: return .key(.left)
            case KEY_RIGHT: return .key(.right)
            case KEY_HOME: return .key(.home)
            case KEY_END: return .key(.end)
            case KEY_PPAGE: return .key(.pageUp)
            case KEY_NPAGE: return .key(.pageDown)
            case KEY_BACKSPACE: return .key(.backspace)
            case KEY_DC: return .key(.delete)
            case KEY_BTAB: return .key(.backTab)
            case KEY_ENTER: return .key(.enter)
            case 0o1052, 0o1054, 0o1055: return .key(.wordLeft)   // kLFT3/5/6: Alt/Ctrl-Left on xterm-like terminals
            case 0o1071, 0o1073, 0o1074: return .key(.wordRight)
            default:
                if Int32(ch) >= KEY_F0 + 1 && Int32(ch) <= KEY_F0 + 12 { return .key(.function(Int(Int32(ch) - KEY_F0))) }
                return .idle
            }
        }
        switch ch {
        case 27: return .key(.escape)
        case 9: return .key(.tab)
        case 10, 13: return .key(.enter)
        case 127, 8: return .key(.backspace)
        case 12:
            cw_force_redraw()
            last = nil
            return .key(.ctrl("l"))
        case 1...26: return .key(.ctrl(Character(Unicode.Scalar(UInt8(ch) + 96))))
        case 28: return .key(.ctrl("\\"))
        default:
            guard let scalar = Unicode.Scalar(UInt32(ch)) else { return .idle }
            return .key(.char(Character(scalar)))
        }
    }
}
