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
        #if canImport(Glibc)
        // mallopt is declared in <malloc.h>, which the Glibc module does not include.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3   // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
        _ = mallopt(mmapThreshold, 1 << 20)
        _ = mallopt(trimThreshold, 2 << 20)
        #endif
    }
}
