from django.urls import path

from . import views

urlpatterns = [
    path("two-step/", views.two_factor, name="two_factor"),
    path("two-step/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-step/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("two-step/recovery-codes/", views.recovery_codes_new, name="recovery_codes_new"),
    path("two-step/off/", views.two_factor_disable, name="two_factor_disable"),
]
