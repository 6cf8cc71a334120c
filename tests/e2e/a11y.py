"""Checks every browser test can run on a page: axe-core (vendored, tests only) finds no
serious or critical violation, and nothing is wider than the screen."""

from pathlib import Path

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page):
    """Serious and critical violations on the page, as readable lines."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, not as an inline <script>: the portal's
        # Content-Security-Policy rightly refuses inline scripts.
        page.evaluate(AXE + "\n;undefined")
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')
                 + ' — ' + (v.nodes[0] && v.nodes[0].failureSummary || '').slice(0, 200));
    }""")
    return result


def horizontal_overflow(page):
    """How many pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth")


def check_page(page, label=""):
    """Assert the page has no serious/critical axe violation and no horizontal scroll."""
    overflow = horizontal_overflow(page)
    assert overflow <= 0, f"{label or page.url}: {overflow}px wider than the screen"
    violations = axe_violations(page)
    assert not violations, f"{label or page.url}:\n" + "\n".join(violations)
