"""The HTML pages of the Unified Login stand-in: the consent form and the refusal page.

Self-contained (no external resources) and accessible: every control has a label.
"""

from html import escape

from .records import User

SCOPE_DESCRIPTIONS = {
    "profile_gallery": "Manage your picture gallery, including creating private albums",
    "account_information": "Read your account information: group, group role and user type",
}

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
h1 { font-size: 1.5rem; }
label, legend { font-weight: 600; }
select, button { font-size: 1rem; padding: .4rem .8rem; margin: .3rem 0; }
fieldset { margin: 1rem 0; }
fieldset label { font-weight: normal; }
.actions { display: flex; gap: .8rem; }
:focus { outline: 3px solid #0b57d0; outline-offset: 2px; }
"""


def _page(title: str, content: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} – AdultWork.com stand-in</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n<h1>{escape(title)}</h1>\n{content}\n</main>\n</body>\n</html>\n"
    )


def consent_page(
    client_id: str,
    redirect_uri: str,
    scopes: list[str],
    state: str | None,
    code_challenge: str | None,
    users: list[User],
) -> str:
    options = "\n".join(
        f'<option value="{user.user_id}">{escape(user.nickname)} ({user.user_id})</option>' for user in users
    )
    boxes = "\n".join(
        f'<div><input type="checkbox" id="scope-{escape(scope)}" name="granted_scope" value="{escape(scope)}" checked>'
        f' <label for="scope-{escape(scope)}">{escape(SCOPE_DESCRIPTIONS[scope])} (<code>{escape(scope)}</code>)'
        "</label></div>"
        for scope in scopes
    )
    permissions = (
        f"<fieldset>\n<legend>Permissions to grant</legend>\n{boxes}\n</fieldset>"
        if scopes
        else "<p>The application asks for no permissions beyond your user ID.</p>"
    )
    hidden = "\n".join(
        f'<input type="hidden" name="{name}" value="{escape(value)}">'
        for name, value in (
            ("client_id", client_id),
            ("redirect_uri", redirect_uri),
            ("scope", " ".join(scopes)),
            ("state", state or ""),
            ("response_type", "code"),
            *((("code_challenge", code_challenge), ("code_challenge_method", "S256")) if code_challenge else ()),
        )
    )
    content = f"""<p>The application <strong>{escape(client_id)}</strong> wants to connect to your AdultWork.com account.</p>
<form method="post" action="/OAuth/Authorize">
<div><label for="user_id">Sign in as</label><br>
<select id="user_id" name="user_id">
{options}
</select></div>
{permissions}
{hidden}
<div class="actions">
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</div>
</form>"""
    return _page("Sign in with AdultWork.com", content)


def refusal_page(message: str) -> str:
    return _page("This sign-in request cannot be completed", f'<p role="alert">{escape(message)}</p>')


def signin_page(return_url: str, users: list[User]) -> str:
    options = "\n".join(
        f'<option value="{user.user_id}">{escape(user.nickname)} ({user.user_id})</option>' for user in users
    )
    content = f"""<p>Sign in to continue to AdultWork.com's login.</p>
<form method="post" action="/Account/Login">
<div><label for="user_id">Account</label><br>
<select id="user_id" name="user_id">
{options}
</select></div>
<input type="hidden" name="ReturnUrl" value="{escape(return_url)}">
<div class="actions"><button type="submit">Sign in</button></div>
</form>"""
    return _page("Sign in to AdultWork.com", content)
