"""gunicorn for production: `gunicorn -c gunicorn.conf.py awportal.wsgi`.

Every number comes from the environment. Threads, because a request can wait up to AW_READ_TIMEOUT on
AdultWork and a waiting thread costs little; each thread keeps its own database connection
(CONN_MAX_AGE), so one machine holds up to WEB_CONCURRENCY x GUNICORN_THREADS of them.
"""

import os

from awportal.logs import FORMATTERS


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = _int("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1)
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
# A worker silent for this long is replaced. A create can wait for two AdultWork calls (the create,
# then one read-only check after an unknown outcome), each up to connect + read timeout (~18 s by
# default): killing the worker mid-call would leave a pending record.
timeout = _int("GUNICORN_TIMEOUT", 60)
# On SIGTERM (a deploy), requests in flight get this long to finish, an album creation included.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 60)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then, staggered, so slow leaks never add up.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# Proxies allowed to set X-Forwarded-* (the TLS-terminating proxy in front).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# The access log names the path only (%(U)s), never the query string, and no referer, whose query
# string could carry anything.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
log_format = os.environ.get("LOG_FORMAT", "plain")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"portal": FORMATTERS[log_format]},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "portal", "stream": "ext://sys.stdout"}},
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO"), "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
