"""Print the current code for an authenticator key, as a phone app would: `python -m accounts.totp KEY`.

For trying the portal without a phone (the setup page shows the key under the QR code). It knows only
the key it is given: nothing here reads the database.
"""

import base64
import sys

from django_otp.oath import totp


def totp_code_for_key(key: str) -> str:
    return f"{totp(base64.b32decode(key.replace(' ', '').upper())):06d}"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m accounts.totp KEY   (the key the setup page shows, spaces allowed)")
    print(totp_code_for_key(sys.argv[1]))
