/// Terminal capabilities the view depends on (the backend detects them; tests set them).
public struct RenderCaps: Equatable, Sendable {
    /// Box-drawing and block characters; false gives `+-|` borders and ASCII sparklines.
    public var unicode: Bool
    /// No colours: state must still show through bold/reverse/underline.
    public var monochrome: Bool
    /// Local time offset for clocks (the view never reads the clock or the time zone).
    public var utcOffsetSeconds: Int

    public init(unicode: Bool = true, monochrome: Bool = false, utcOffsetSeconds: Int = 0) {
        self.unicode = unicode
        self.monochrome = monochrome
        self.utcOffsetSeconds = utcOffsetSeconds
    }
}
