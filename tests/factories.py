import uuid
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from albums import adultwork as aw
from albums.crypto import secret_encrypt
from albums.models import AlbumRecord, Connection, Member, PictureUpload, StaffGrant

DEMO_MEMBER_ID = 100001
DEMO_MEMBER_TOKEN = "demo-member-token"
DEMO_MANAGER_ID = 200001
DEMO_MANAGER_TOKEN = "demo-manager-token"
DEMO_GROUP_ID = 9001
FIRST_GROUP_MEMBER_ID = 300001  # the stand-in's group 9001 has members 300001..300120
OUTSIDER_ID = 400001  # in another group


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("portal-password-1")


class AlbumInputFactory(factory.Factory):
    """An album definition as the form hands it to the album services."""

    class Meta:
        model = aw.AlbumInput

    name = "Look"


class ConnectionFactory(factory.django.DjangoModelFactory):
    """A connection holding the stand-in's fixed demo member token unless told otherwise."""

    class Meta:
        model = Connection

    class Params:
        access_token = DEMO_MEMBER_TOKEN

    user = factory.SubFactory(UserFactory)
    aw_user_id = DEMO_MEMBER_ID
    scopes = "account_information profile_gallery"
    source = Connection.Source.TOKEN
    access_token_encrypted = factory.LazyAttribute(lambda o: secret_encrypt(o.access_token))


class AlbumRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AlbumRecord

    created_by = factory.SubFactory(UserFactory)
    aw_user_id = DEMO_MEMBER_ID
    acting_aw_user_id = DEMO_MEMBER_ID
    submission_key = factory.LazyFunction(uuid.uuid4)
    name = factory.Sequence(lambda n: f"Album {n}")
    status = AlbumRecord.Status.CREATED
    album_id = factory.Sequence(lambda n: 9000000 + n)


def oauth_connection(standin, *, user=None, user_id: int = DEMO_MEMBER_ID, expires_in: int = 1200, **fields) -> Connection:
    """A Unified Login connection holding fresh tokens the stand-in issued."""
    tokens = standin.token(user_id=user_id, scopes=["profile_gallery", "account_information"], expires_in=expires_in)
    return ConnectionFactory(
        user=user or UserFactory(),
        aw_user_id=user_id,
        source=Connection.Source.OAUTH,
        access_token=tokens["access_token"],
        refresh_token_encrypted=secret_encrypt(tokens["refresh_token"]),
        access_token_expires_at=timezone.now() + timedelta(seconds=expires_in),
        **fields,
    )


class ManagerConnectionFactory(ConnectionFactory):
    """The stand-in's demo group manager (group 9001)."""

    class Params:
        access_token = DEMO_MANAGER_TOKEN

    aw_user_id = DEMO_MANAGER_ID
    group_id = DEMO_GROUP_ID
    group_name = "Demo Agency"
    is_group_manager = True
    # Loaded, as far as the portal knows: a test that wants the background load clears it.
    roster_loaded_at = factory.LazyFunction(timezone.now)


class StaffGrantFactory(factory.django.DjangoModelFactory):
    """An administrator's grant of the connection's current group to a staff user."""

    class Meta:
        model = StaffGrant

    connection = factory.SubFactory(ManagerConnectionFactory)
    user = factory.SubFactory(UserFactory)
    group_id = factory.SelfAttribute("connection.group_id")
    group_name = factory.SelfAttribute("connection.group_name")
    manager_aw_user_id = factory.SelfAttribute("connection.aw_user_id")


class MemberFactory(factory.django.DjangoModelFactory):
    """A roster entry for one of the stand-in's group members."""

    class Meta:
        model = Member
        django_get_or_create = ["connection", "aw_user_id"]

    connection = factory.SubFactory(ManagerConnectionFactory)
    aw_user_id = factory.Sequence(lambda n: FIRST_GROUP_MEMBER_ID + n % 120)
    nickname = factory.LazyAttribute(lambda o: f"member{o.aw_user_id - FIRST_GROUP_MEMBER_ID + 1:03d}")
    source = Member.Source.API


def roster(connection: Connection, user_ids) -> list[Member]:
    """Roster entries for these UserIDs, named as the stand-in names them."""
    return [MemberFactory(connection=connection, aw_user_id=user_id) for user_id in user_ids]


class PictureUploadFactory(factory.django.DjangoModelFactory):
    """Pictures chosen for the demo member's seeded album, not sent yet (no files behind them)."""

    class Meta:
        model = PictureUpload

    created_by = factory.SubFactory(UserFactory)
    submission_key = factory.LazyFunction(uuid.uuid4)
    acting_aw_user_id = DEMO_MEMBER_ID
    aw_user_id = DEMO_MEMBER_ID
    album_id = 5000001
    album_name = "Holiday 2026"
    batch_id = factory.LazyFunction(lambda: uuid.uuid4().hex)
