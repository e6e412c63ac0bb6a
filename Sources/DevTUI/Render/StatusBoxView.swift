import ClusterProbe

/// Narrow layout: App and MySQL on one line each, in one box.
enum StatusBoxView {
    static func render(_ frame: inout Frame, _ rect: Rect, _ input: RenderInput) {
        let inner = Renderer.box(&frame, rect, title: "App \(input.snapshot.app.value?.url ?? "") · MySQL data", input.glyphs)
        guard inner.height > 0 else { return }
        let app = AppView.lines(input)
        var spans = app[0]
        if input.snapshot.app.value?.statusCode != nil, app.count > 1 { spans += [(input.glyphs.ellipsisSep, .dim)] + app[1] }
        Renderer.spans(&frame, spans, x: inner.x + 1, y: inner.y, width: inner.width - 2)
        guard inner.height > 1 else { return }
        let volume = VolumeView.lines(input, width: min(40, inner.width / 2), wrap: false)
        var spans2 = volume[0]
        if volume.count > 1 { spans2 += [(input.glyphs.ellipsisSep, .dim)] + volume[1] }
        Renderer.spans(&frame, spans2, x: inner.x + 1, y: inner.y + 1, width: inner.width - 2)
    }
}
