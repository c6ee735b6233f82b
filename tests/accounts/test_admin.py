"""The admin manages second factors without ever showing their secrets."""

import pytest
from django.urls import reverse

from accounts.services import recovery_codes_replace
from harness.second_factor import totp_device_confirmed

pytestmark = pytest.mark.django_db


def test_the_admin_shows_no_app_key_qr_code_or_recovery_code(admin_client, admin_user, django_user_model):
    member = django_user_model.objects.create_user("member", password="x")
    app = totp_device_confirmed(member)
    codes = recovery_codes_replace(user=member)
    static = member.staticdevice_set.get()

    pages = [
        admin_client.get(reverse("admin:otp_totp_totpdevice_changelist")),
        admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[app.pk])),
        admin_client.get(reverse("admin:otp_static_staticdevice_change", args=[static.pk])),
    ]

    assert [page.status_code for page in pages] == [200, 200, 200]
    shown = "".join(page.content.decode() for page in pages)
    assert app.key not in shown and not any(code in shown for code in codes)
    assert admin_client.get(reverse("admin:otp_totp_totpdevice_config", args=[app.pk])).status_code == 403
    assert admin_client.get(reverse("admin:otp_totp_totpdevice_qrcode", args=[app.pk])).status_code == 403
