from django.conf import settings
from django.core.checks import Error, register

from .crypto import KEY_HELP, keys_problem


@register()
def token_keys_check(app_configs, **kwargs):
    problem = keys_problem(list(settings.AW_TOKEN_KEYS))
    if problem:
        return [Error(problem, hint=KEY_HELP, id="albums.E001")]
    return []
