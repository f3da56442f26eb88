import NIOCore

public enum EventLoopThreads {
    /// One NIO event-loop thread for the process's shared group (the HTTP clients and the demo servers use it): a
    /// dashboard polls a few nodes, and every extra loop thread is one more wake-up on an idle machine. Call it first
    /// thing, before any client or server starts; NIO traps if the count was fixed already.
    public static func useOne() {
        NIOSingletons.groupLoopCountSuggestion = 1
    }
}
