"""A real OAuth 2.0 authorization server for the tests: django-oauth-toolkit, nobody here wrote it.

A small Django project of its own (settings, URLs, a SQLite file), run as a separate process by
`OAuthServerProcess` (tests/support/dot.py), so the portal's tests find out whether the portal works with
an authorization server that follows the RFCs as a widely used implementation reads them: PKCE
required, refresh tokens rotated (and a reused one revoking its whole family), short-lived access tokens.

It serves the authorize and token endpoints at AdultWork's paths. The API calls that follow a login
(verifyCredentials, CreateAlbum, ...) go to the stand-in: each access token this server issues is
registered there, and each it deletes (rotation, revocation) is expired there, as a resource server
sharing the authorization server's token store would see them.
"""
