"""placeholder"""
import pytest


@pytest.fixture(scope="session")
def live_stack():
    yield None
