"""Row-diff repaint: a repainted row keeps nothing of what it showed before."""


def test_zero_width_scalar_leaves_stale_cells_after_scroll(run_devtui):
    world, tui = run_devtui("healthy")
    lines = []
    for i in range(60):
        lines.append("X" * 120 if i % 2 == 0 else "\u2060zw-%02d" % i)
    with open(str(world.scenario / "kubectl-logs-app"), "w") as f:
        f.write("\n".join(lines) + "\n")
    tui.wait_for("zw-59", settle=True)  # the whole file is in
    tui.keys("Up")
    after = tui.wait_for("paused", settle=True)
    # Each "zw-NN" row held a cut "XXX…" line before the scroll; none of it may remain.
    stale = [l for l in after.splitlines() if "zw-" in l and ("X" in l or "\u2026" in l)]
    assert not stale, "stale cells:\n" + "\n".join(stale)
