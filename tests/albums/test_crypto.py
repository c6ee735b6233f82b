import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from albums.checks import token_keys_check
from albums.crypto import SecretDecryptionError, secret_decrypt, secret_encrypt, secret_rotate


def test_encrypted_secrets_read_back_and_differ_each_time():
    first, second = secret_encrypt("demo-member-token"), secret_encrypt("demo-member-token")
    assert first != second and "demo-member-token" not in first
    assert secret_decrypt(first) == "demo-member-token"


def test_the_first_key_encrypts_and_the_others_still_decrypt(settings):
    old_key = settings.AW_TOKEN_KEYS[0]
    old = secret_encrypt("token")
    new_key = Fernet.generate_key().decode()
    settings.AW_TOKEN_KEYS = [new_key, old_key]

    assert secret_decrypt(old) == "token"
    rotated = secret_rotate(old)
    settings.AW_TOKEN_KEYS = [new_key]
    assert secret_decrypt(rotated) == "token"
    with pytest.raises(SecretDecryptionError):
        secret_decrypt(old)


def test_garbage_is_refused_not_passed_on():
    with pytest.raises(SecretDecryptionError):
        secret_decrypt("demo-member-token")


@pytest.mark.parametrize(("keys", "says"), [([], "empty"), (["not-a-key"], "not a valid Fernet key")])
def test_missing_or_malformed_keys_fail_the_system_check(settings, keys, says):
    settings.AW_TOKEN_KEYS = keys
    errors = token_keys_check(None)
    assert len(errors) == 1 and says in errors[0].msg
    assert "Fernet.generate_key()" in errors[0].hint


def test_good_keys_pass_the_system_check(settings):
    assert token_keys_check(None) == []
    call_command("check")
