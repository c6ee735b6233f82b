"""The stand-in API and the portal under gunicorn as separate processes, and signed-in test clients
past the second sign-in step, for the tests and bench/ alike.

Neither tests/ nor bench/ imports the other: what both need to start and drive processes lives here.
"""
