"""Reads. None of these call the API."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from .crypto import secret_decrypt
from .models import AlbumRecord, Connection


def connection_get(*, user: AbstractBaseUser) -> Connection | None:
    return Connection.objects.filter(user=user).first()


def album_record_list(*, user: AbstractBaseUser) -> QuerySet[AlbumRecord]:
    """The user's own records, newest first."""
    return AlbumRecord.objects.filter(created_by=user).order_by("-created_at", "-id")


def album_record_pin(*, record: AlbumRecord) -> str:
    """The record's PIN in clear, for showing to its owner on request; never log it."""
    return secret_decrypt(record.pin_number_encrypted)
