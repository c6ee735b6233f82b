"""Messages after signing in and out, like after every other action."""

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver


# fail_silently: logins made without a browser request (the test client's force_login) have no messages.
@receiver(user_logged_in)
def signed_in_message(sender, request, user, **kwargs) -> None:
    messages.success(request, f"Signed in as {user.get_username()}.", fail_silently=True)


@receiver(user_logged_out)
def signed_out_message(sender, request, user, **kwargs) -> None:
    messages.info(request, "Signed out.", fail_silently=True)
