"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value can be overridden from the environment (GUNICORN_CMD_ARGS or the variables below).
"""

import multiprocessing
import os

bind = os.environ.get("UTILITYCRM_BIND", "127.0.0.1:8000")
# Requests wait on the database more than on the CPU: a few threads per worker process.
workers = int(os.environ.get("UTILITYCRM_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("UTILITYCRM_THREADS", 4))
worker_class = "gthread"
timeout = 120  # validation reports and PDF contracts can take a while
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then; the jitter keeps them from restarting together
max_requests_jitter = 200
# No access log of gunicorn's own: the app writes one JSON line a request (logger
# utilitycrm.requests: path, status, time, user, address); a second would repeat it.
accesslog = None
errorlog = "-"
forwarded_allow_ips = os.environ.get("UTILITYCRM_PROXY_IPS", "127.0.0.1")
