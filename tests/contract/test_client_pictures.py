"""The client's AddPictures requests, checked by Prism against the contract, until the Add pictures page
brings its flows (test_portal_requests.py): a picture as the portal prepares it, own and group twin."""

import pytest

from albums import adultwork as aw
from albums.pictures import picture_prepare
from harness.pictures import tagged_jpeg
from tests.contract.conftest import verdict_record


@pytest.fixture
def prepared_jpeg(tmp_path) -> bytes:
    upload = tmp_path / "IMG_0001.JPG"
    upload.write_bytes(tagged_jpeg())
    return picture_prepare(path=upload, file_name=upload.name, max_pixels=1_000_000).jpeg


@pytest.mark.parametrize(("member_id", "operation"), [(None, "AddPictures"), (300001, "GroupsAddPictures")])
@pytest.mark.parametrize("title", ["My new bikini", ""], ids=["titled", "untitled"])
def test_pictures_add_keeps_the_contract(prism, prepared_jpeg, member_id, operation, title):
    client = aw.AdultWorkClient(base_url=prism.url, access_token="contract-check-token", timeout=(3.05, 15))
    since = prism.mark()

    ids = client.pictures_add(
        album_id=1, pictures=[aw.PictureInput(title=title, description=title, jpeg=prepared_jpeg)], member_id=member_id
    )

    (exchange,) = prism.exchanges(since=since)
    verdict_record(
        kind=f"{operation}: client, {'titled' if title else 'untitled'}",
        verdict=f"{exchange.status} {'; '.join(exchange.violations) or 'valid'}",
    )
    assert (exchange.status, exchange.violations) == (200, [])
    assert ids == [11, 12]  # the contract's example answer
