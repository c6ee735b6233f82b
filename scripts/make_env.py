"""Write .env from .env.example with a fresh SECRET_KEY and Fernet key (never overwrites)."""

import base64
import os
import secrets
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
target = root / ".env"
if target.exists():
    sys.exit(0)
values = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "AW_TOKEN_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode("ascii"),
}
lines = []
for line in (root / ".env.example").read_text().splitlines():
    name = line.split("=", 1)[0]
    lines.append(f"{name}={values[name]}" if name in values and not line.startswith("#") else line)
target.write_text("\n".join(lines) + "\n")
print(f"Wrote {target.name} with a fresh SECRET_KEY and AW_TOKEN_KEYS.")
