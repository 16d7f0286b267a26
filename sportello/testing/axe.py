"""Accessibility checks in the browser tests, with axe-core (vendored beside this file, for
the tests only: `vendor/axe-core-4.14.1/`, MPL-2.0).

    assert_no_serious_violations(page)

runs every axe rule on the page that is open and fails with the list of the violations
whose impact is "serious" or "critical": rule, what it asks, and where on the page.
"""

from functools import cache
from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")

RUN_AXE = """async () => {
  const results = await window.axe.run(document, { resultTypes: ["violations"] });
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    helpUrl: violation.helpUrl,
    nodes: violation.nodes.map((node) => ({
      target: node.target.flat(Infinity).join(" "),
      summary: node.failureSummary || "",
    })),
  }));
}"""


@cache
def _axe_source() -> str:
    # The trailing expression keeps evaluate() from trying to return what the script's last
    # statement produces.
    return AXE.read_text(encoding="utf-8") + "\n;undefined;"


def assert_no_serious_violations(page) -> None:
    """Fails when axe-core finds a serious or critical violation on the page open in `page`.

    How axe gets in: the portal's Content Security Policy runs only scripts of its own
    origin or carrying the page's nonce, so `page.add_script_tag(content=…)`, an inline
    script, is refused. `page.evaluate()` goes through the browser's DevTools protocol,
    which the CSP does not govern, and axe needs no `eval` of its own; so the page keeps
    its real policy while it is checked (a context with `bypass_csp=True` would work too,
    but it would have to be made by this helper, and it would hide what the policy blocks).
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    violations = [v for v in page.evaluate(RUN_AXE) if v["impact"] in FAILING_IMPACTS]
    assert not violations, _report(page.url, violations)


def _report(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} serious or critical accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)
