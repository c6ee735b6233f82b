"""The agency pages through Django's test client, against the stand-in over real HTTP."""

import re

import pytest
from django.urls import reverse

from albums.models import AlbumRecord, BulkJob
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FOR_MEMBER = reverse("member_album_create")
MEMBERS = reverse("member_list")
BULK_NEW = reverse("bulk_job_create")
AGENCY_PAGES = [FOR_MEMBER, MEMBERS, BULK_NEW, reverse("bulk_job_list")]


def as_user(client, user):
    client.force_login(user)
    return client


def submission_key(response) -> str:
    return re.search(r'name="submission_key" value="([^"]+)"', response.content.decode()).group(1)


def post_for_member(client, member, **fields):
    key = submission_key(client.get(FOR_MEMBER))
    return client.post(FOR_MEMBER, {"submission_key": key, "member": member, "name": "For you", **fields})


def option_values(response) -> list[str]:
    select = re.search(r'<select name="member".*?</select>', response.content.decode(), re.S).group(0)
    return [v for v in re.findall(r'<option value="([^"]*)"', select) if v]


# --- Who sees the group features ----------------------------------------------------------------


@pytest.mark.parametrize("page", AGENCY_PAGES)
def test_users_who_may_act_for_no_member_get_404_and_no_link(client, connected_user, agency, page):
    as_user(client, connected_user)
    assert client.get(page).status_code == 404
    assert reverse("member_list") not in client.get(reverse("dashboard")).content.decode()


@pytest.mark.parametrize("page", AGENCY_PAGES)
def test_managers_and_granted_staff_see_the_pages_and_the_link(client, manager, staff, page):
    for user in (manager, staff):
        as_user(client, user)
        assert client.get(page).status_code == 200
        assert f'href="{MEMBERS}"' in client.get(reverse("dashboard")).content.decode()


# --- Creating for one member --------------------------------------------------------------------


def test_a_manager_creates_for_a_member_and_lands_on_the_record(client, manager, standin):
    as_user(client, manager)

    response = post_for_member(client, 300004, description="Hello")

    record = AlbumRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == record.get_absolute_url()
    [sent] = standin.requests("createalbum")
    assert sent["path"] == "/v1/Groups/Pictures/CreateAlbum"
    assert sent["json"]["UserID"] == 300004
    assert sent["headers"]["Authorization"] == "Bearer demo-manager-token"
    page = client.get(record.get_absolute_url()).content.decode()
    assert "300004 (member004)" in page and "group manager of Demo Agency" in page


def test_staff_see_a_colleagues_member_record_but_never_its_pin(client, manager, staff, standin):
    as_user(client, manager)
    post_for_member(client, 300004, pin_number="q9Z4", pin_price="2")
    record = AlbumRecord.objects.get()

    as_user(client, staff)
    page = client.get(record.get_absolute_url()).content.decode()

    assert "For you" in page and "Set (hidden)" in page and "Show PIN" not in page
    assert client.post(reverse("album_pin_reveal", args=[record.pk])).status_code == 404
    as_user(client, manager)
    assert "q9Z4" in client.post(reverse("album_pin_reveal", args=[record.pk])).content.decode()


def test_a_member_outside_the_group_is_refused_and_nothing_is_sent(client, manager, standin):
    as_user(client, manager)
    response = post_for_member(client, 400001)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert standin.requests() == []
    assert not AlbumRecord.objects.exists()


def test_a_non_manager_posting_for_a_member_gets_404_and_nothing_is_sent(client, connected_user, agency, standin):
    as_user(client, connected_user)
    response = client.post(FOR_MEMBER, {"submission_key": "9c5b94b1-35ad-49bb-b118-8e8fc24abf80", "member": 300001, "name": "x"})
    assert response.status_code == 404
    assert standin.requests() == []


def test_an_ungranted_staff_user_gets_404_and_a_granted_one_creates(client, agency, staff, standin):
    as_user(client, UserFactory())
    assert client.get(FOR_MEMBER).status_code == 404

    as_user(client, staff)
    assert post_for_member(client, 300002).status_code == 302
    assert AlbumRecord.objects.get().created_by == staff


def test_the_member_picker_searches_by_nickname_or_user_id_and_leaves_out_stale_members(client, manager, agency):
    agency.members.filter(aw_user_id=300003).update(is_stale=True)
    as_user(client, manager)
    assert len(option_values(client.get(FOR_MEMBER))) == 9
    assert option_values(client.get(FOR_MEMBER, {"q": "member01"})) == ["300010"]
    assert option_values(client.get(FOR_MEMBER, {"q": "300002"})) == ["300002"]
    assert option_values(client.get(FOR_MEMBER, {"q": "member003"})) == []


# --- The roster -----------------------------------------------------------------------------------


def test_refreshing_the_roster_lists_every_member_and_marks_those_who_left(client, manager, agency, standin):
    as_user(client, manager)
    standin.group_members(group_id=9001, remove=[300001])

    response = client.post(reverse("member_roster_refresh", args=[agency.pk]), follow=True)

    page = response.content.decode()
    assert "119 members, 110 new, 1 no longer in the group" in page
    assert "No longer in the group" in client.get(MEMBERS, {"q": "300001"}).content.decode()
    assert "300001" not in option_values(client.get(FOR_MEMBER))


def test_without_an_api_key_the_roster_is_edited_by_hand(client, manager, agency, settings):
    settings.AW_API_KEY = ""
    as_user(client, manager)
    assert "Refresh from AdultWork" not in client.get(MEMBERS).content.decode()

    client.post(reverse("member_add", args=[agency.pk]), {"aw_user_id": 300077, "nickname": "Seventy-seven"})
    assert "300077" in option_values(client.get(FOR_MEMBER))

    member = agency.members.get(aw_user_id=300077)
    client.post(reverse("member_remove", args=[member.pk]))
    assert "300077" not in option_values(client.get(FOR_MEMBER))


def test_roster_edits_of_another_agency_are_404(client, connected_user, agency, settings):
    settings.AW_API_KEY = ""
    as_user(client, connected_user)
    assert client.post(reverse("member_add", args=[agency.pk]), {"aw_user_id": 1, "nickname": "x"}).status_code == 404
    assert client.post(reverse("member_remove", args=[agency.members.first().pk])).status_code == 404
    assert client.post(reverse("member_roster_refresh", args=[agency.pk])).status_code == 404


# --- Bulk -----------------------------------------------------------------------------------------


@pytest.fixture
def bulk_post(client, django_capture_on_commit_callbacks, settings):
    settings.AW_BULK_CONCURRENCY = 1  # members are sent in order, so a fault with times=1 hits the first

    def post(**fields):
        key = submission_key(client.get(BULK_NEW))
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(BULK_NEW, {"submission_key": key, "name": "Spring", **fields})

    return post


def test_a_bulk_job_is_queued_and_its_page_shows_each_members_outcome(client, manager, standin, bulk_post):
    as_user(client, manager)
    standin.fault("html", status=503, match="groups/pictures/createalbum", times=1)

    response = bulk_post(members=[300001, 300002, 300003])

    job = BulkJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    page = client.get(job.get_absolute_url()).content.decode()
    assert re.search(r'<progress id="bulk-progress-bar" max="3" value="3"', page)
    assert "Retry the 1 failed member" in page and "member002" in page
    progress = client.get(reverse("bulk_job_progress", args=[job.pk])).json()
    assert (progress["finished"], progress["done"], progress["counts"]["created"], progress["counts"]["failed"]) == (True, 3, 2, 1)
    assert {m["user_id"]: m["outcome"] for m in progress["members"]} == {300001: "failed", 300002: "created", 300003: "created"}


def test_retrying_from_the_page_sends_to_the_failed_member_only(client, manager, standin, bulk_post, django_capture_on_commit_callbacks):
    as_user(client, manager)
    standin.fault("html", status=503, match="groups/pictures/createalbum", times=1)
    bulk_post(members=[300001, 300002])
    job = BulkJob.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("bulk_job_retry", args=[job.pk]), follow=True)

    assert "Sending again to 1 failed member" in response.content.decode()
    assert [r["json"]["UserID"] for r in standin.requests("createalbum")] == [300001, 300002, 300001]
    assert client.get(reverse("bulk_job_progress", args=[job.pk])).json()["counts"]["created"] == 2


def test_a_running_job_offers_a_reload_link_and_never_reloads_by_itself(client, manager, standin, bulk_post):
    as_user(client, manager)
    bulk_post(all_members="on")
    job = BulkJob.objects.get()
    assert job.member_count == 10
    BulkJob.objects.filter(pk=job.pk).update(status=BulkJob.Status.RUNNING)
    page = client.get(job.get_absolute_url()).content.decode()
    # A page that refreshes itself on a timer fails WCAG 2.2.1: without JavaScript, the reader reloads.
    assert ">Reload</a>" in page and 'http-equiv="refresh"' not in page
    assert "bulk-progress.js" in page


def test_a_job_can_be_followed_by_staff_of_the_agency_but_no_one_else(client, manager, staff, bulk_post):
    as_user(client, manager)
    bulk_post(members=[300001])
    job = BulkJob.objects.get()
    for user, status in ((staff, 200), (UserFactory(), 404)):
        as_user(client, user)
        assert client.get(job.get_absolute_url()).status_code == status
        assert client.get(reverse("bulk_job_progress", args=[job.pk])).status_code == status


def test_a_bulk_form_without_members_is_refused(client, manager, standin, bulk_post):
    as_user(client, manager)
    response = bulk_post()
    assert "Choose at least one member" in response.content.decode()
    assert not BulkJob.objects.exists()


def test_nicknames_render_escaped(client, manager, agency, bulk_post):
    agency.members.filter(aw_user_id=300001).update(nickname="<script>x</script>")
    as_user(client, manager)
    bulk_post(members=[300001])
    for url in (FOR_MEMBER, MEMBERS, BULK_NEW, BulkJob.objects.get().get_absolute_url()):
        page = client.get(url).content.decode()
        assert "<script>x</script>" not in page and "&lt;script&gt;" in page


# --- Audit in the admin ---------------------------------------------------------------------------


def test_the_admin_shows_jobs_and_records_read_only(client, manager, bulk_post):
    as_user(client, manager)
    bulk_post(members=[300001])
    job = BulkJob.objects.get()
    as_user(client, UserFactory(is_staff=True, is_superuser=True))
    record = AlbumRecord.objects.get()
    for model, obj in (("bulkjob", job), ("albumrecord", record)):
        assert client.get(reverse(f"admin:albums_{model}_changelist")).status_code == 200
        page = client.get(reverse(f"admin:albums_{model}_change", args=[obj.pk])).content.decode()
        assert 'name="_save"' not in page and "set (hidden)" not in page
    assert "300001" in client.get(reverse("admin:albums_bulkjob_change", args=[job.pk])).content.decode()


# --- Per-member PINs: shown to the creator once, then only on request ----------------------------


def pins_in(page: str) -> list[str]:
    table = re.search(r'<table class="table" id="bulk-pins">.*?</table>', page, re.S)
    return re.findall(r'<strong class="pin">([^<]+)</strong>', table.group(0)) if table else []


def test_generated_pins_are_shown_to_the_creator_once_then_only_by_show_pins(client, manager, staff, standin, bulk_post):
    as_user(client, manager)
    bulk_post(members=[300001, 300002, 300003], pin_mode="each", pin_price="2")
    job = BulkJob.objects.get()
    sent = sorted(r["json"]["PinNumber"] for r in standin.requests("groups/pictures/createalbum"))

    first = client.get(job.get_absolute_url())
    assert sorted(pins_in(first.content.decode())) == sent
    assert "no-store" in first["Cache-Control"] or "max-age=0" in first["Cache-Control"]
    again = client.get(job.get_absolute_url()).content.decode()
    assert pins_in(again) == [] and "Show PINs" in again
    assert not any(pin in again for pin in sent)

    shown = client.post(reverse("bulk_job_pins", args=[job.pk])).content.decode()
    assert sorted(pins_in(shown)) == sent
    download = client.post(reverse("bulk_job_pins_csv", args=[job.pk]))
    assert download["Content-Disposition"] == f'attachment; filename="bulk-job-{job.pk}-pins.csv"'
    rows = download.content.decode("utf-8-sig").splitlines()
    assert rows[0] == "Nickname,UserID,AlbumID,Outcome,PIN number"
    assert sorted(row.split(",")[-1] for row in rows[1:]) == sent

    # Staff follow the job, but its PINs are the creator's alone.
    as_user(client, staff)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Show PINs" not in page and not any(pin in page for pin in sent)
    assert client.post(reverse("bulk_job_pins", args=[job.pk])).status_code == 404
    assert client.post(reverse("bulk_job_pins_csv", args=[job.pk])).status_code == 404


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"pin_mode": "each"}, "pin_price", "generated PINs need one"),
        ({"pin_mode": "each", "pin_number": "q9Z4", "pin_price": "2"}, "pin_number", "leave PIN number empty"),
        ({"pin_mode": "same"}, "pin_number", "Enter the PIN for every member"),
        ({"pin_mode": "none", "pin_price": "2"}, "pin_price", "You chose No PIN"),
        ({"pin_mode": "random"}, "pin_mode", "Select a valid choice"),
    ],
)
def test_the_pin_choice_is_checked_with_its_fields(client, manager, standin, bulk_post, fields, field, message):
    as_user(client, manager)
    page = bulk_post(members=[300001], **fields).content.decode()
    assert re.search(rf'id="id_{field}_error".*?{message}', page, re.S)
    assert not BulkJob.objects.exists()


def test_a_running_job_can_be_cancelled_from_its_page(client, manager, agency, django_capture_on_commit_callbacks):
    as_user(client, manager)
    with django_capture_on_commit_callbacks():  # queued, and no worker comes
        key = submission_key(client.get(BULK_NEW))
        client.post(BULK_NEW, {"submission_key": key, "name": "Spring", "members": [300001, 300002], "pin_mode": "none"})
    job = BulkJob.objects.get()
    assert "Cancel job" in client.get(job.get_absolute_url()).content.decode()

    client.post(reverse("bulk_job_cancel", args=[job.pk]))

    page = client.get(job.get_absolute_url()).content.decode()
    assert "Cancel job" not in page, page[page.find("Cancel job") - 400 : page.find("Cancel job") + 50]
    assert re.search(r"Finished</span>:\s*<span data-count=\"done\">2</span> of 2 done", page)


def test_a_checked_spreadsheet_is_started_from_its_preview(client, manager, staff, standin, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    as_user(client, manager)
    plan = b"UserID,Name,PIN number,PIN price\r\n300001,Beach,Rk7w,3\r\n300002,Studio,,\r\n400001,Not ours,,\r\n"
    page = client.post(reverse("bulk_job_csv"), {"file": SimpleUploadedFile("plan.csv", plan)}).content.decode()
    draft = BulkJob.objects.get()
    assert "Start the job with the 2 good rows" in page and draft.status == BulkJob.Status.DRAFT

    as_user(client, staff)  # another user cannot start it
    assert client.post(reverse("bulk_job_start", args=[draft.pk])).status_code == 404
    as_user(client, manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("bulk_job_start", args=[draft.pk]))

    assert response["Location"] == draft.get_absolute_url()
    assert sorted(r["json"]["UserID"] for r in standin.requests("groups/pictures/createalbum")) == [300001, 300002]
