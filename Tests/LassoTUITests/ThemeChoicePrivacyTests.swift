import Foundation
import LassoTerminal
import XCTest

/// The remembered theme lives in the state directory: the directory is narrowed to 0700 and a symlink planted at
/// the temporary file's predictable name is refused, never written through.
final class ThemeChoicePrivacyTests: XCTestCase {
    func testRememberNarrowsTheDirectoryAndRefusesAPlantedLink() throws {
        let scratch = NSTemporaryDirectory() + "lassotop-theme-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let directory = scratch + "/lassotop"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        chmod(directory, 0o755)
        let path = directory + "/theme"
        try ThemeChoice.remember("light", path: path)
        var info = stat()
        lstat(directory, &info)
        XCTAssertEqual(info.st_mode & 0o777, 0o700)
        lstat(path, &info)
        XCTAssertEqual(info.st_mode & 0o777, 0o600)

        let victim = directory + "/../victim"
        try Data("untouched\n".utf8).write(to: URL(fileURLWithPath: victim))
        try FileManager.default.createSymbolicLink(atPath: path + ".tmp-\(getpid())", withDestinationPath: victim)
        XCTAssertThrowsError(try ThemeChoice.remember("dark", path: path))
        XCTAssertEqual(try String(contentsOfFile: victim, encoding: .utf8), "untouched\n")
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "light\n", "the earlier choice stays")
    }
}
