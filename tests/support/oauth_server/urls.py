"""AdultWork's Unified Login paths, served by django-oauth-toolkit's own views; a plain sign-in page."""

from django.contrib.auth import views as auth_views
from django.urls import path
from oauth2_provider import views as oauth_views

urlpatterns = [
    path("OAuth/Authorize", oauth_views.AuthorizationView.as_view(), name="authorize"),
    path("OAuth/token", oauth_views.TokenView.as_view(), name="token"),
    path("OAuth/revoke_token", oauth_views.RevokeTokenView.as_view(), name="revoke-token"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
]
