from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django_otp import user_has_device

from .selectors import ENROLLED_SESSION_KEY


@receiver(user_logged_in)
def second_factor_enrolment_note(sender, request, user, **kwargs) -> None:
    """Each sign-in reads afresh whether a second factor is owed: a session kept across signing in again
    must not carry an earlier answer."""
    if request is not None and hasattr(request, "session"):
        request.session[ENROLLED_SESSION_KEY] = user_has_device(user)
