from django.urls import path

from .views import agency, album_changes, connections, create, gallery, history, pictures

urlpatterns = [
    path("", history.dashboard, name="dashboard"),
    path("connect/", connections.connect, name="connect"),
    path("connect/start/", connections.connect_start, name="connect_start"),
    path("connect/callback/", connections.connect_callback, name="connect_callback"),
    path("connect/disconnect/", connections.disconnect, name="disconnect"),
    path("albums/", history.album_list, name="album_list"),
    path("gallery/", gallery.gallery, name="gallery"),
    path("gallery/<int:album_id>/edit/", album_changes.album_edit_view, name="album_edit"),
    path("gallery/<int:album_id>/remove/", album_changes.album_remove_view, name="album_remove"),
    path("gallery/<int:album_id>/pictures/", pictures.picture_upload_create_view, name="picture_upload_create"),
    path("pictures/<int:pk>/", pictures.picture_upload_detail, name="picture_upload_detail"),
    path("pictures/<int:pk>/resume/", pictures.picture_upload_resume_view, name="picture_upload_resume"),
    path("pictures/<int:pk>/discard/", pictures.picture_upload_discard_view, name="picture_upload_discard"),
    path("pictures/<int:pk>/progress/", pictures.picture_upload_progress_json, name="picture_upload_progress"),
    path("albums/new/", create.album_create_view, name="album_create"),
    path("albums/new/pin/", create.pin_suggestion, name="pin_suggestion"),
    path("albums/sync/", history.album_sync, name="album_sync"),
    path("albums/export.csv", history.album_export, name="album_export"),
    path("albums/<int:pk>/", history.album_detail, name="album_detail"),
    path("albums/<int:pk>/pin/", history.album_pin_reveal, name="album_pin_reveal"),
    path("albums/<int:pk>/check/", history.album_check, name="album_check"),
    path("albums/<int:pk>/send-again/", history.album_send_again, name="album_send_again"),
    # Group managers and the agency staff they grant access to.
    path("albums/new/member/", create.member_album_create_view, name="member_album_create"),
    path("albums/bulk/", agency.bulk_job_list_view, name="bulk_job_list"),
    path("albums/bulk/new/", agency.bulk_job_create_view, name="bulk_job_create"),
    path("albums/bulk/csv/", agency.bulk_job_csv_view, name="bulk_job_csv"),
    path("albums/bulk/csv/template.csv", agency.bulk_job_csv_template, name="bulk_job_csv_template"),
    path("albums/bulk/<int:pk>/", agency.bulk_job_detail, name="bulk_job_detail"),
    path("albums/bulk/<int:pk>/progress/", agency.bulk_job_progress_json, name="bulk_job_progress"),
    path("albums/bulk/<int:pk>/retry/", agency.bulk_job_retry_view, name="bulk_job_retry"),
    path("albums/bulk/<int:pk>/start/", agency.bulk_job_start_view, name="bulk_job_start"),
    path("albums/bulk/<int:pk>/cancel/", agency.bulk_job_cancel_view, name="bulk_job_cancel"),
    path("albums/bulk/<int:pk>/pins/", agency.bulk_job_pins_view, name="bulk_job_pins"),
    path("albums/bulk/<int:pk>/pins.csv", agency.bulk_job_pins_csv, name="bulk_job_pins_csv"),
    path("members/", agency.member_list, name="member_list"),
    path("members/loading/", agency.member_roster_state, name="member_roster_state"),
    path(
        "members/agency/<int:connection_pk>/refresh/", agency.member_roster_refresh_view, name="member_roster_refresh"
    ),
    path("members/agency/<int:connection_pk>/add/", agency.member_add_view, name="member_add"),
    path("members/<int:pk>/remove/", agency.member_remove_view, name="member_remove"),
]
