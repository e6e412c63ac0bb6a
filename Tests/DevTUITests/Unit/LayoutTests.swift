import Testing
@testable import DevTUI

@Suite struct LayoutTests {
    @Test(arguments: [(59, 30), (100, 14), (40, 10), (0, 0)])
    func belowTheMinimumIsTooSmall(width: Int, height: Int) {
        #expect(Layout.compute(width: width, height: height, podCount: 2).kind == .tooSmall)
    }

    @Test(arguments: [(60, 15), (80, 24), (89, 40), (100, 30), (120, 40), (250, 80)])
    func panelsTileTheScreenWithoutOverlap(width: Int, height: Int) {
        let layout = Layout.compute(width: width, height: height, podCount: 2)
        #expect(layout.kind == (width >= Layout.wideWidth ? .wide : .narrow))
        #expect(layout.header == Rect(x: 0, y: 0, width: width, height: 1))
        #expect(layout.footer == Rect(x: 0, y: height - 1, width: width, height: 1))
        #expect(layout.pods.y == 1)
        #expect(layout.logs.maxY == height - 1)
        #expect(layout.logs.width == width)
        #expect(layout.logs.innerHeight >= 2)
        if let volume = layout.volume {
            #expect(layout.app.maxY == volume.y)
            #expect(volume.maxY == layout.pods.maxY)
            #expect(layout.pods.width + layout.app.width == width)
            #expect(layout.logs.y == layout.pods.maxY)
        } else {
            #expect(layout.app.y == layout.pods.maxY)
            #expect(layout.logs.y == layout.app.maxY)
        }
    }

    @Test func morePodsGrowThePodsPanelUntilTheLogsMinimum() {
        let few = Layout.compute(width: 100, height: 30, podCount: 2)
        let many = Layout.compute(width: 100, height: 30, podCount: 40)
        #expect(many.pods.height > few.pods.height)
        #expect(many.logs.height >= 28 * 2 / 5)
    }
}
