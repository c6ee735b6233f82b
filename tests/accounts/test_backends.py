import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.backends import PortalModelBackend
from albums.models import Connection
from albums.selectors import agency_connection_ids, connection_get
from tests.factories import ConnectionFactory, ManagerConnectionFactory, StaffGrantFactory, UserFactory

pytestmark = pytest.mark.django_db


def session_user(user):
    return PortalModelBackend().get_user(user.pk)


def test_a_sessions_user_brings_their_connection_so_reading_it_costs_no_query(django_assert_num_queries):
    connection = ConnectionFactory(access_token_expires_at=timezone.now(), group_name="Ünïcode <b>")
    user = session_user(connection.user)

    with django_assert_num_queries(0):
        read = connection_get(user=user)
        assert read.user is user
    stored = Connection.objects.get(pk=connection.pk)
    assert [getattr(read, f.attname) for f in Connection._meta.concrete_fields] == [
        getattr(stored, f.attname) for f in Connection._meta.concrete_fields
    ]
    assert user == connection.user and user.username == connection.user.username
    assert user.date_joined == get_user_model().objects.get(pk=user.pk).date_joined


def test_a_session_whose_user_is_gone_has_no_user():
    assert PortalModelBackend().get_user(123456) is None


def test_a_sessions_user_without_a_connection_is_known_to_have_none_without_a_query(django_assert_num_queries):
    user = session_user(UserFactory())

    with django_assert_num_queries(0):
        assert connection_get(user=user) is None


def test_a_plain_member_may_use_no_agency_and_asking_costs_no_query(django_assert_num_queries):
    user = session_user(ConnectionFactory().user)

    with django_assert_num_queries(0):
        assert agency_connection_ids(user=user) == []


def test_a_manager_acts_through_their_own_connection():
    manager = ManagerConnectionFactory()

    assert agency_connection_ids(user=session_user(manager.user)) == [manager.pk]


def test_staff_granted_a_managers_connection_may_use_it():
    grant = StaffGrantFactory()

    user = session_user(grant.user)

    assert user.agency_granted is True
    assert agency_connection_ids(user=user) == [grant.connection.pk]


def test_a_grant_for_a_group_the_connection_no_longer_manages_gives_nothing():
    grant = StaffGrantFactory()
    grant.connection.group_id += 1
    grant.connection.save()

    assert agency_connection_ids(user=session_user(grant.user)) == []


def test_an_inactive_user_has_no_session():
    assert session_user(UserFactory(is_active=False)) is None


def test_a_user_object_from_elsewhere_still_reads_both_from_the_database(django_assert_num_queries):
    grant = StaffGrantFactory()
    own = ConnectionFactory(user=grant.user, aw_user_id=100777)  # which caches it on grant.user
    Connection.objects.filter(pk=own.pk).update(aw_user_id=100778)

    with django_assert_num_queries(2):
        assert connection_get(user=grant.user).aw_user_id == 100778
        assert agency_connection_ids(user=grant.user) == [grant.connection.pk]
