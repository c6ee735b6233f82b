"""Who may act for whom: decided by the agency selectors alone."""

import pytest

from albums.selectors import (
    agency_connections_for,
    album_record_list,
    member_actable_by,
    member_search,
    members_actable,
)
from tests.factories import (
    AlbumRecordFactory,
    ConnectionFactory,
    ManagerConnectionFactory,
    MemberFactory,
    StaffGrantFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_a_manager_acts_through_their_own_connection(manager, agency):
    assert list(agency_connections_for(user=manager)) == [agency]


def test_staff_act_only_through_connections_granted_to_them(staff, agency):
    ManagerConnectionFactory(group_id=9002, aw_user_id=200002)  # another agency, not granted
    assert list(agency_connections_for(user=staff)) == [agency]


def test_a_connection_that_manages_no_group_is_no_agency(db):
    plain = ConnectionFactory()
    granted = StaffGrantFactory(connection=plain, group_id=9001).user
    assert not agency_connections_for(user=plain.user).exists()
    assert not agency_connections_for(user=granted).exists()


def test_only_current_members_are_actable(manager, agency):
    agency.members.filter(aw_user_id=300001).update(is_stale=True)
    assert member_actable_by(user=manager, member_user_id=300001) is None
    assert member_actable_by(user=manager, member_user_id=300002).connection == agency
    assert members_actable(user=manager).count() == 9


def test_when_two_usable_connections_manage_a_member_the_users_own_wins(staff, agency):
    own = ManagerConnectionFactory(user=staff)
    MemberFactory(connection=own, aw_user_id=300001)
    assert member_actable_by(user=staff, member_user_id=300001).connection == own
    assert member_actable_by(user=staff, member_user_id=300001, connection=agency).connection == agency


@pytest.mark.parametrize(("query", "expected"), [("MEMBER00", 9), ("member010", 1), ("30000", 9), ("300010", 1), ("x", 0), ("", 10)])
def test_members_are_found_by_nickname_or_the_start_of_their_user_id(manager, query, expected):
    assert member_search(members_actable(user=manager), query=query).count() == expected


def test_the_history_shows_an_agencys_member_records_to_everyone_who_may_use_it(manager, staff, agency):
    by_staff = AlbumRecordFactory(created_by=staff, connection=agency, for_member=True, aw_user_id=300001)
    managers_own = AlbumRecordFactory(created_by=manager, connection=agency, aw_user_id=200001)
    assert set(album_record_list(user=manager)) == {by_staff, managers_own}
    assert set(album_record_list(user=staff)) == {by_staff}
    assert not album_record_list(user=UserFactory()).exists()
