from django.conf import settings

from ..adultwork import AdultWorkClient


def aw_client(*, access_token: str = "", with_api_key: bool = False) -> AdultWorkClient:
    """A client for the configured AdultWork API; cheap, as every client shares one pooled session."""
    return AdultWorkClient(
        base_url=settings.AW_API_BASE_URL,
        access_token=access_token,
        api_key=settings.AW_API_KEY if with_api_key else "",
        timeout=(settings.AW_CONNECT_TIMEOUT, settings.AW_READ_TIMEOUT),
    )
