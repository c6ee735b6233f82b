"""The naive portal: the least a Django site can do for the same submission as the portal's Create album
(sign-in required, a form with the same field rules, one pooled requests call, one INSERT, a redirect).

The submit benchmark serves it exactly like the portal (gunicorn.conf.py, same workers and threads, same
PostgreSQL, persistent connections) and holds the portal to a ratio of it. Keep it honest: nothing here
may sleep or do work the portal does not; everything the portal adds on top (exactly-once claims,
encrypted tokens, CSP, throttling, history) is what the ratio prices.
"""
