import pytest

from tests.factories import (
    FIRST_GROUP_MEMBER_ID,
    ConnectionFactory,
    ManagerConnectionFactory,
    StaffGrantFactory,
    UserFactory,
    roster,
)


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


@pytest.fixture
def agency(db):
    """The demo group manager's connection, with its first ten members on the roster."""
    connection = ManagerConnectionFactory()
    roster(connection, range(FIRST_GROUP_MEMBER_ID, FIRST_GROUP_MEMBER_ID + 10))
    return connection


@pytest.fixture
def manager(agency):
    return agency.user


@pytest.fixture
def staff(agency):
    """A portal user an admin granted the agency's connection to; they have no connection of their own."""
    return StaffGrantFactory(connection=agency).user
