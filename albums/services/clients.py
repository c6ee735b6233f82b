from django.conf import settings

from ..adultwork import AdultWorkClient
from ..adultwork.oauth import UnifiedLogin


def _timeout() -> tuple[float, float]:
    return (settings.AW_CONNECT_TIMEOUT, settings.AW_READ_TIMEOUT)


def aw_client(*, access_token: str = "", with_api_key: bool = False) -> AdultWorkClient:
    """A client for the configured AdultWork API; cheap, as every client shares one pooled session."""
    return AdultWorkClient(
        base_url=settings.AW_API_BASE_URL,
        access_token=access_token,
        api_key=settings.AW_API_KEY if with_api_key else "",
        timeout=_timeout(),
    )


def aw_login_configured() -> bool:
    return bool(settings.AW_CLIENT_ID and settings.AW_CLIENT_SECRET)


def aw_login() -> UnifiedLogin:
    return UnifiedLogin(
        base_url=settings.AW_OAUTH_BASE_URL,
        client_id=settings.AW_CLIENT_ID,
        client_secret=settings.AW_CLIENT_SECRET,
        timeout=_timeout(),
    )
