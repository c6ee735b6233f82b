"""Reads. None of these call the API."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from .models import AlbumRecord, Connection


def connection_get(*, user: AbstractBaseUser) -> Connection | None:
    return Connection.objects.filter(user=user).first()


def album_record_list(*, user: AbstractBaseUser) -> QuerySet[AlbumRecord]:
    """The user's own records, newest first."""
    return AlbumRecord.objects.filter(created_by=user).order_by("-created_at", "-id")
