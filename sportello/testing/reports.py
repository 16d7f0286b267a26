"""Figures a test wants on the terminal (the scale-out test's counts and timings).

Run in one process, `report()` prints the line at once, past pytest's capture. Run by a
pytest-xdist worker, whose output nobody sees, it keeps the line in the worker's output,
which xdist hands to the main process when the worker ends; the main process prints the
lines of every worker in the run's summary.
"""

import pytest

WORKER_OUTPUT_KEY = "sportello_report_lines"
COLLECTED = pytest.StashKey[list[str]]()


def report(config: pytest.Config, line: str) -> None:
    """Shows `line` on the terminal of the run, whatever the capture and the number of processes."""
    worker_output = getattr(config, "workeroutput", None)
    if worker_output is not None:
        worker_output.setdefault(WORKER_OUTPUT_KEY, []).append(line)
        return
    with config.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled():
        print(f"\n{line}")


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """pytest-xdist: a worker ended; keeps its lines for the summary."""
    lines = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT_KEY, [])
    node.config.stash.setdefault(COLLECTED, []).extend(lines)


def pytest_terminal_summary(terminalreporter, config) -> None:
    lines = config.stash.get(COLLECTED, [])
    if lines:
        terminalreporter.section("reports of the workers")
        for line in lines:
            terminalreporter.write_line(line)
