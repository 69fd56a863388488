"""gunicorn settings for Disclosure behind a reverse proxy on the same machine.

Used by deploy/disclosure-web.service: gunicorn --config deploy/gunicorn.conf.py wsgi:app"""

import multiprocessing
import os

# Only the reverse proxy talks to gunicorn; it alone faces the network (with HTTPS).
bind = os.environ.get("DISCLOSURE_BIND", "127.0.0.1:8000")
# Two workers per core, at least two: one slow page never holds up the desk.
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count() * 2)))
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
