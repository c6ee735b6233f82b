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
    path("albums/<int:pk>/", views.album_detail, name="album_detail"),
    path("albums/<int:pk>/pin/", views.album_pin_reveal, name="album_pin_reveal"),
    path("albums/<int:pk>/check/", views.album_check, name="album_check"),
    path("albums/<int:pk>/send-again/", views.album_send_again, name="album_send_again"),
]
