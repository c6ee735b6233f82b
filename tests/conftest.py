import os

import pytest

from harness.second_factor import SignedInClient
from harness.standin import StandInControl, StandInProcess

_skipped: list[str] = []


@pytest.fixture(scope="session", autouse=True)
def _jinja2_pages_tell_the_test_client():
    """Pages are Jinja2 templates, which, unlike Django's own, do not announce what they render: this
    sends the same signal Django's test setup makes its templates send, so `response.context` holds the
    page's context."""
    from django.template.backends.jinja2 import Template
    from django.test.signals import template_rendered

    render = Template.render

    def render_and_tell(self, context=None, request=None):
        template_rendered.send(sender=self, template=self.origin, context=dict(context or {}))
        return render(self, context, request)

    Template.render = render_and_tell
    yield
    Template.render = render


@pytest.fixture(scope="session")
def standin_process():
    process = StandInProcess()
    yield process
    process.stop()


@pytest.fixture
def standin(standin_process) -> StandInControl:
    """The stand-in API, reset to its demo data for this test."""
    control = StandInControl(standin_process.url)
    control.reset()
    return control


@pytest.fixture
def client() -> SignedInClient:
    """pytest-django's client, whose force_login also passes the second step where one is required."""
    return SignedInClient()


@pytest.fixture
def admin_client(db, admin_user, client) -> SignedInClient:
    client.force_login(admin_user)
    return client


@pytest.fixture(autouse=True)
def _picture_dir(settings, tmp_path):
    """Pictures waiting to be sent go to this test's own directory, never the project's var/."""
    settings.AW_PICTURE_DIR = tmp_path / "pictures"


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache counts failed sign-ins; each test starts without any."""
    from django.core.cache import cache

    cache.clear()


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    # A skipped suite is a suite that did not run: CI must go red, not quietly green.
    if _skipped and os.environ.get("ALLOW_SKIPS") != "1":
        session.exitstatus = 1
        print(f"\n{len(_skipped)} test(s) were skipped; every suite must run (set ALLOW_SKIPS=1 locally):")
        for nodeid in _skipped[:20]:
            print(f"  {nodeid}")


@pytest.fixture(autouse=True)
def _postgres_only(request):
    """A `postgres` test on another database fails: row locks and races need the real thing."""
    if request.node.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.fail("this test needs PostgreSQL: run it with DATABASE_URL=postgres://...")
