"""The admin's list views cost the same number of queries however many rows they show."""

import uuid

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from albums.models import BulkJob
from tests.factories import (
    AlbumRecordFactory,
    ConnectionFactory,
    ManagerConnectionFactory,
    MemberFactory,
    StaffGrantFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def make_rows(model: str, count: int) -> None:
    for _ in range(count):
        if model == "connection":
            ConnectionFactory()
        elif model == "albumrecord":
            AlbumRecordFactory()
        elif model == "member":
            MemberFactory(connection=ManagerConnectionFactory())
        elif model == "staffgrant":
            StaffGrantFactory()
        else:
            BulkJob.objects.create(
                created_by=UserFactory(), connection=ManagerConnectionFactory(), acting_aw_user_id=200001,
                submission_key=uuid.uuid4(), name="Job", member_count=3,
            )


def queries_to_list(client, model: str) -> int:
    with CaptureQueriesContext(db_connection) as captured:
        response = client.get(reverse(f"admin:albums_{model}_changelist"))
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("model", ["connection", "albumrecord", "member", "bulkjob", "staffgrant"])
def test_a_list_view_does_not_grow_in_queries_with_its_rows(client, model):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    make_rows(model, 2)
    few = queries_to_list(client, model)
    make_rows(model, 20)
    assert queries_to_list(client, model) == few
