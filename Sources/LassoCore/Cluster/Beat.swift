/// The refresh beat: the whole multiples of a period, in ms since 1970. The monitor's polls and metrics refreshes and
/// the dashboard's idle redraw fall on the same beat, so one snapshot and one frame show them together.
public enum Beat {
    /// How long from `nowMs` to the next beat strictly after it (a whole period when `nowMs` is on one).
    public static func msToNext(after nowMs: Int64, period: Int64) -> Int64 {
        let period = max(period, 1)
        return period - ((nowMs % period) + period) % period
    }

    /// The first beat at or after `ms`.
    public static func atOrAfter(_ ms: Int64, period: Int64) -> Int64 {
        let wait = msToNext(after: ms, period: period)
        return wait == max(period, 1) ? ms : ms + wait
    }

    /// Which beat `ms` falls in (floored, so times before 1970 count down like the others).
    public static func index(of ms: Int64, period: Int64) -> Int64 {
        let period = max(period, 1)
        return ms >= 0 ? ms / period : (ms - period + 1) / period
    }
}
