"""The contract suite: the portal pointed at Prism, which checks each request against the OpenAPI contract."""

from collections import defaultdict

import pytest

from tests.support.prism import PrismProcess

# What Prism said of each request kind during the run, printed at the end (the closing note).
VERDICTS: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))


@pytest.fixture(scope="session")
def prism():
    process = PrismProcess()
    yield process
    process.stop()


@pytest.fixture(autouse=True)
def aw_api_at_prism(settings, prism):
    settings.AW_API_BASE_URL = prism.url
    # One request at a time, so that Prism's log tells each request's verdict apart.
    settings.AW_BULK_CONCURRENCY = 1
    return settings


def verdict_record(*, kind: str, verdict: str) -> None:
    VERDICTS[kind][verdict] += 1


def pytest_terminal_summary(terminalreporter):
    if not VERDICTS:
        return
    terminalreporter.section("Prism's verdict per request kind")
    for kind in sorted(VERDICTS):
        counts = ", ".join(f"{verdict} x{count}" for verdict, count in sorted(VERDICTS[kind].items()))
        terminalreporter.write_line(f"{kind:<60} {counts}")
