from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("connect/", views.connect, name="connect"),
    path("connect/start/", views.connect_start, name="connect_start"),
    path("connect/callback/", views.connect_callback, name="connect_callback"),
    path("connect/disconnect/", views.disconnect, name="disconnect"),
    path("albums/", views.album_list, name="album_list"),
    path("albums/new/", views.album_create_view, name="album_create"),
    path("albums/new/pin/", views.pin_suggestion, name="pin_suggestion"),
    path("albums/sync/", views.album_sync, name="album_sync"),
    path("albums/export.csv", views.album_export, name="album_export"),
    path("albums/<int:pk>/", views.album_detail, name="album_detail"),
    path("albums/<int:pk>/pin/", views.album_pin_reveal, name="album_pin_reveal"),
    path("albums/<int:pk>/check/", views.album_check, name="album_check"),
    path("albums/<int:pk>/send-again/", views.album_send_again, name="album_send_again"),
    # Group managers and the agency staff they grant access to.
    path("albums/new/member/", views.member_album_create_view, name="member_album_create"),
    path("albums/bulk/", views.bulk_job_list_view, name="bulk_job_list"),
    path("albums/bulk/new/", views.bulk_job_create_view, name="bulk_job_create"),
    path("albums/bulk/<int:pk>/", views.bulk_job_detail, name="bulk_job_detail"),
    path("albums/bulk/<int:pk>/progress/", views.bulk_job_progress_json, name="bulk_job_progress"),
    path("albums/bulk/<int:pk>/retry/", views.bulk_job_retry_view, name="bulk_job_retry"),
    path("members/", views.member_list, name="member_list"),
    path("members/agency/<int:connection_pk>/refresh/", views.member_roster_refresh_view, name="member_roster_refresh"),
    path("members/agency/<int:connection_pk>/add/", views.member_add_view, name="member_add"),
    path("members/<int:pk>/remove/", views.member_remove_view, name="member_remove"),
]
