import Foundation
import XCTest
@testable import LassoTUI

/// Healthy, degraded and offline must never look alike, at any colour depth a terminal may have.
final class ThemeStatusColourTests: XCTestCase {
    let loader = ThemeLoader(searchDirectories: [], executablePath: nil)
    let statuses: [StyleRole] = [.statusHealthy, .statusDegraded, .statusOffline]

    struct Look: Hashable {
        var fg: Int32
        var bg: Int32
    }

    func testEveryShippedThemeShowsThreeDistinctStatusColoursAt8And16And256Colours() throws {
        let names = loader.availableNames()
        XCTAssertTrue(names.contains("solarized-dark"))
        for name in names {
            let theme = try loader.load(name)
            let colourless = statuses.allSatisfy {
                theme.style($0).foreground == .terminalDefault && theme.style($0).background == .terminalDefault
            }
            for depth in [ColorDepth.ansi8, .ansi16, .palette256, .direct] {
                if colourless {
                    // The monochrome theme has no colours by design: its states differ by attributes instead.
                    let looks = Set(statuses.map { theme.style($0).attributes.rawValue })
                    XCTAssertEqual(looks.count, 3, "\(name): states must differ by attributes")
                    continue
                }
                let looks = statuses.map { role in
                    Look(fg: theme.style(role).foreground.cursesColor(depth), bg: theme.style(role).background.cursesColor(depth))
                }
                XCTAssertEqual(Set(looks).count, 3, "\(name) at \(depth): healthy/degraded/offline are \(looks)")
            }
        }
    }

    func testExplicitLowColourFallback() {
        XCTAssertEqual(ThemeColor.parse("#859900/green"), .rgbOr(0x85, 0x99, 0x00, ansi: 2))
        XCTAssertEqual(ThemeColor.parse("#859900/green")?.cursesColor(.ansi8), 2)
        XCTAssertEqual(ThemeColor.parse("#859900/green")?.cursesColor(.ansi16), 2)
        XCTAssertEqual(ThemeColor.parse("#859900/green")?.cursesColor(.palette256), ThemeColor.rgb(0x85, 0x99, 0).cursesColor(.palette256))
        XCTAssertEqual(ThemeColor.parse("#859900/green")?.cursesColor(.direct), 0x859900)
        XCTAssertNil(ThemeColor.parse("#859900/color200"), "the fallback is an ANSI colour (0-15)")
        XCTAssertNil(ThemeColor.parse("green/red"))
    }
}
