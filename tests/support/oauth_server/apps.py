"""Tell the resource server (the stand-in) about every access token this server issues or deletes."""

import logging

import requests
from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)


def _control(path: str, document: dict) -> None:
    response = requests.post(f"{settings.RESOURCE_SERVER_URL}/_standin/{path}", json=document, timeout=5)
    response.raise_for_status()


def _issued(sender, instance, created: bool, **kwargs) -> None:
    if created and instance.user_id is not None:
        # The users' names are their AdultWork UserIDs (see __main__).
        _control(
            "tokens",
            {
                "access_token": instance.token,
                "user_id": int(instance.user.username),
                "scopes": instance.scope.split(),
                "expires_in": settings.ACCESS_TOKEN_LIFETIME,
            },
        )


def _deleted(sender, instance, **kwargs) -> None:
    _control("expire", {"token": instance.token})


class OAuthServerConfig(AppConfig):
    name = "tests.support.oauth_server"
    label = "oauth_server"

    def ready(self) -> None:
        from oauth2_provider.models import get_access_token_model

        post_save.connect(_issued, sender=get_access_token_model(), dispatch_uid="oauth_server_issued")
        post_delete.connect(_deleted, sender=get_access_token_model(), dispatch_uid="oauth_server_deleted")
