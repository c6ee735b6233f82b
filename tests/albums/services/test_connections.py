import pytest

from albums.errors import PortalError
from albums.models import Connection
from albums.services.connections import connection_connect_with_token, connection_disconnect

pytestmark = pytest.mark.django_db


def test_a_pasted_token_is_checked_and_kept_encrypted(user, standin):
    connection = connection_connect_with_token(user=user, access_token="demo-member-token")

    assert connection.aw_user_id == 100001
    assert connection.source == Connection.Source.TOKEN
    assert connection.scope_set == {"profile_gallery", "account_information"}
    stored = Connection.objects.values_list("access_token_encrypted", flat=True).get()
    assert "demo-member-token" not in stored
    assert standin.requests("verifycredentials")[-1]["headers"]["Authorization"] == "Bearer demo-member-token"


def test_a_group_manager_token_records_the_group(user, standin):
    connection = connection_connect_with_token(user=user, access_token="demo-manager-token")
    assert (connection.group_id, connection.group_name, connection.is_group_manager) == (9001, "Demo Agency", True)


def test_a_token_without_profile_gallery_connects_without_that_scope(user, standin):
    connection = connection_connect_with_token(user=user, access_token="demo-noscope-token")
    assert "profile_gallery" not in connection.scope_set


@pytest.mark.parametrize("token", ["not-a-token", "demo-expired-token"])
def test_a_refused_token_is_not_kept(user, standin, token):
    with pytest.raises(PortalError, match="did not accept this access token"):
        connection_connect_with_token(user=user, access_token=token)
    assert not Connection.objects.exists()


def test_connecting_again_replaces_the_connection(user, standin):
    connection_connect_with_token(user=user, access_token="demo-member-token")
    connection_connect_with_token(user=user, access_token="demo-manager-token")
    assert Connection.objects.get().aw_user_id == 200001


def test_disconnect_forgets_the_tokens(connected_user):
    assert connection_disconnect(user=connected_user) is True
    assert not Connection.objects.exists()
    assert connection_disconnect(user=connected_user) is False


MANAGER_CREDENTIALS = {"UserID": 200001, "GroupID": 9001, "GroupName": "Demo Agency", "IsGroupManager": True, "UserType": "Member"}


@pytest.mark.postgres
def test_a_group_name_out_of_range_is_stored_cut_and_cleaned(user, standin):
    standin.fault("error", match="verifyCredentials", status=200, body={**MANAGER_CREDENTIALS, "GroupName": "G\x00" + "g" * 250})

    connection = connection_connect_with_token(user=user, access_token="demo-manager-token")

    connection.refresh_from_db()
    assert connection.group_name == "G" + "g" * 198 + "\u2026"


@pytest.mark.postgres
@pytest.mark.parametrize("fields", [{"UserID": 2**63}, {"GroupID": 2**63}, {"GroupID": "nine"}])
def test_credentials_with_an_id_out_of_range_connect_nothing_and_say_why(user, standin, fields):
    standin.fault("error", match="verifyCredentials", status=200, body={**MANAGER_CREDENTIALS, **fields})

    with pytest.raises(PortalError, match="could not be read"):
        connection_connect_with_token(user=user, access_token="demo-manager-token")
    assert not Connection.objects.exists()
