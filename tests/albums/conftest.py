import pytest

from tests.factories import ConnectionFactory, UserFactory


@pytest.fixture(autouse=True)
def aw_settings(settings, standin):
    """Point the portal at the stand-in for every portal test."""
    settings.AW_API_BASE_URL = standin.url
    settings.AW_OAUTH_BASE_URL = standin.url
    return settings


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def connected_user(db):
    return ConnectionFactory().user


@pytest.fixture
def signed_in(client, connected_user):
    client.force_login(connected_user)
    client.user = connected_user
    return client
