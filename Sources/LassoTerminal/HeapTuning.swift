#if canImport(Glibc)
import Glibc
#endif

/// malloc settings for a dashboard that runs all day.
public enum HeapTuning {
    /// Every second the monitor builds the feed (up to 1,000 events, a few hundred KB) and the TUI copies it. glibc
    /// served blocks that size with a fresh mmap and gave them back on free, or trimmed the heap top and grew it
    /// again, so each second paid ~100 page faults for zeroed pages. Larger thresholds keep such blocks in the heap
    /// and reuse them. Call it once, first thing.
    public static func keepLargeBlocksInHeap() {
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3   // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
        mallopt(mmapThreshold, 1 << 20)
        mallopt(trimThreshold, 2 << 20)
    }

    /// One malloc arena for the whole process instead of one per thread that ever contended: each arena keeps its
    /// own free blocks, so the dashboard's few mostly idle threads (NIO, the TUI, dispatch workers) held ~2 MB more
    /// after a few minutes, and the figure kept creeping. Call it first thing in `main`, before any other thread
    /// allocates (a thread that did keeps the arena it made).
    public static func useOneArena() {
        let arenaMax: Int32 = -8   // M_ARENA_MAX
        mallopt(arenaMax, 1)
    }

    private static func mallopt(_ parameter: Int32, _ value: Int32) {
        #if canImport(Glibc)
        // mallopt is declared in <malloc.h>, which the Glibc module does not include.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(parameter, value)
        #endif
    }
}
