"""The fixed demo world that every reset restores."""

from .records import Album, Client, Group, User
from .tokens import ACCOUNT_INFORMATION, PROFILE_GALLERY

API_KEY = "demo-api-key"
FIRST_ALBUM_ID = 5000001

DEMO_CLIENT = Client(
    client_id="awportal-demo",
    secret="awportal-demo-secret",
    redirect_uris=[
        "http://127.0.0.1:8000/connect/callback/",
        "http://localhost:8000/connect/callback/",
    ],
)

MEMBER_ID = 100001
MANAGER_ID = 200001
GROUP_ID = 9001
OTHER_MANAGER_ID = 200002
OTHER_GROUP_ID = 9002
OUTSIDER_ID = 400001
FIRST_GROUP_MEMBER_ID = 300001
GROUP_MEMBER_COUNT = 120

BOTH_SCOPES = frozenset({PROFILE_GALLERY, ACCOUNT_INFORMATION})

# (token, user, scopes, already expired)
FIXED_TOKENS = [
    ("demo-member-token", MEMBER_ID, BOTH_SCOPES, False),
    ("demo-manager-token", MANAGER_ID, BOTH_SCOPES, False),
    ("demo-groupmember-token", FIRST_GROUP_MEMBER_ID, BOTH_SCOPES, False),
    ("demo-noscope-token", MEMBER_ID, frozenset({ACCOUNT_INFORMATION}), False),
    ("demo-expired-token", MEMBER_ID, BOTH_SCOPES, True),
]


def users() -> dict[int, User]:
    people = [
        User(MEMBER_ID, "demo_member"),
        User(MANAGER_ID, "demo_agency", GROUP_ID, 4, "Agency"),
        User(OTHER_MANAGER_ID, "other_agency", OTHER_GROUP_ID, 4, "Agency"),
        User(OUTSIDER_ID, "outsider", OTHER_GROUP_ID),
    ]
    people += [
        User(FIRST_GROUP_MEMBER_ID + n, f"member{n + 1:03d}", GROUP_ID)
        for n in range(GROUP_MEMBER_COUNT)
    ]
    return {person.user_id: person for person in people}


def groups() -> dict[int, Group]:
    # Managers belong to their group (verifyCredentials shows it) but are not
    # listed among its members, so they cannot act for themselves.
    return {
        GROUP_ID: Group(
            GROUP_ID,
            "Demo Agency",
            MANAGER_ID,
            set(range(FIRST_GROUP_MEMBER_ID, FIRST_GROUP_MEMBER_ID + GROUP_MEMBER_COUNT)),
        ),
        OTHER_GROUP_ID: Group(OTHER_GROUP_ID, "Other Agency", OTHER_MANAGER_ID, {OUTSIDER_ID}),
    }


# PictureIDs come from one counter too, starting here after every reset.
FIRST_PICTURE_ID = 7000001


def albums() -> list[Album]:
    # Made "outside the portal", so it takes the first id of the shared counter.
    return [
        Album(
            user_id=MEMBER_ID,
            album_id=FIRST_ALBUM_ID,
            name="Holiday 2026",
            description="Made on AdultWork.com, not through the portal",
            sequence=0,
        )
    ]
