"""gunicorn settings for Disclosure behind a reverse proxy on the same machine.

Used by deploy/disclosure-web.service: gunicorn --config deploy/gunicorn.conf.py wsgi:app"""

import multiprocessing
import os

# Only the reverse proxy talks to gunicorn; it alone faces the network (with HTTPS).
bind = os.environ.get("DISCLOSURE_BIND", "127.0.0.1:8000")
# One sync worker per core, at least two (one slow page never holds up the desk alone). Pages
# are CPU work for the app and for PostgreSQL on the same machine, and while a worker waits on
# the database the database works: on 2 cores 2 workers kept both busy (217 requests/s of the
# README's load benchmark when the machine was quiet, against 191 with 3), and every worker
# more cost CPU per request (about +1 ms each, cache and switching) and about 100 MiB.
# WEB_CONCURRENCY overrides it. The sign-in lockouts hold across workers (they are kept in the
# database); the request-rate limiter's counters are per worker unless
# DISCLOSURE_RATELIMIT_STORAGE_URL names a shared store.
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count())))
# No page works longer than this; long work (reports, purges) runs in the scheduler process.
timeout = 30
graceful_timeout = 30
# Requests are logged without their query strings or bodies; addresses hold no personal data
# by design, but a referrer could, so the access log leaves it out.
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
# gunicorn itself trusts X-Forwarded-* from the proxy only; the app trusts exactly
# DISCLOSURE_PROXY_HOPS of them (Werkzeug's ProxyFix).
forwarded_allow_ips = "127.0.0.1,::1"
