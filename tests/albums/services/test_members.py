"""The agency roster: from getGroupDetails over real HTTP, or kept by hand."""

import pytest

from albums.errors import PortalError
from albums.models import Member
from albums.services.members import member_add, member_remove, member_roster_refresh
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def current(connection) -> set[int]:
    return set(connection.members.filter(is_stale=False).values_list("aw_user_id", flat=True))


def test_refresh_fills_the_roster_from_every_page(agency, standin):
    refresh = member_roster_refresh(connection=agency)

    assert (refresh.members, refresh.added, refresh.gone_stale) == (120, 110, 0)
    assert current(agency) == set(range(300001, 300121))
    member = agency.members.get(aw_user_id=300120)
    assert (member.nickname, member.source, member.last_seen_at is not None) == ("member120", "api", True)
    assert [r["query"]["PageNumber"] for r in standin.requests("getgroupdetails")] == ["1", "2"]


def test_members_who_left_turn_stale_and_those_who_return_are_current_again(agency, standin):
    member_roster_refresh(connection=agency)
    standin.group_members(group_id=9001, add={300500: "newcomer"}, remove=[300001, 300002])

    refresh = member_roster_refresh(connection=agency)

    assert (refresh.members, refresh.added, refresh.gone_stale) == (119, 1, 2)
    assert set(agency.members.filter(is_stale=True).values_list("aw_user_id", flat=True)) == {300001, 300002}
    assert agency.members.get(aw_user_id=300500).nickname == "newcomer"

    standin.group_members(group_id=9001, add={300001: "member001"})
    member_roster_refresh(connection=agency)
    assert not agency.members.get(aw_user_id=300001).is_stale


def test_refresh_without_an_api_key_sends_nothing(agency, standin, settings):
    settings.AW_API_KEY = ""
    with pytest.raises(PortalError, match="no AdultWork API key"):
        member_roster_refresh(connection=agency)
    assert standin.requests() == []


def test_a_failed_refresh_changes_nothing(agency, standin):
    standin.fault("html", status=503, match="getgroupdetails")
    before = list(agency.members.values_list("aw_user_id", "is_stale"))
    with pytest.raises(PortalError, match="member list was not changed"):
        member_roster_refresh(connection=agency)
    assert list(agency.members.values_list("aw_user_id", "is_stale")) == before


def test_a_refused_api_key_is_named_as_the_problem(agency, standin, settings):
    settings.AW_API_KEY = "wrong-key"
    with pytest.raises(PortalError, match="did not accept the portal's API key"):
        member_roster_refresh(connection=agency)


def test_without_an_api_key_members_are_added_and_removed_by_hand(agency, settings):
    settings.AW_API_KEY = ""
    member = member_add(connection=agency, aw_user_id=300077, nickname="Seventy-seven")
    assert (member.source, member.is_stale) == (Member.Source.MANUAL, False)
    assert member_add(connection=agency, aw_user_id=300077, nickname="Relabelled").pk == member.pk

    member_remove(member=member)
    assert not agency.members.filter(aw_user_id=300077).exists()


def test_hand_edits_are_refused_while_the_list_comes_from_adultwork(agency):
    with pytest.raises(PortalError, match="refresh it instead"):
        member_add(connection=agency, aw_user_id=300077, nickname="x")
    with pytest.raises(PortalError, match="refresh it instead"):
        member_remove(member=MemberFactory(connection=agency))


def test_the_managers_own_account_is_not_a_member(agency, settings):
    settings.AW_API_KEY = ""
    with pytest.raises(PortalError, match="manager's own account"):
        member_add(connection=agency, aw_user_id=200001, nickname="me")


@pytest.mark.postgres
def test_a_nickname_out_of_range_is_stored_cut_and_cleaned(agency, standin):
    standin.group_members(group_id=9001, add={300500: "n" * 150, 300501: "Ni\x00ck"})

    member_roster_refresh(connection=agency)

    assert agency.members.get(aw_user_id=300500).nickname == "n" * 99 + "\u2026"
    assert agency.members.get(aw_user_id=300501).nickname == "Nick"
