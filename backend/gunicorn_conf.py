"""gunicorn settings of ``rammetal serve``: ``gunicorn -c python:backend.gunicorn_conf``.

A request that runs into the worker timeout answers problem+json (503), not gunicorn's
HTML page: a sync worker arms a timer a little before the timeout and the app turns the
:class:`~backend.errors.RequestTimeout` it raises into a problem response (the request's
transaction is rolled back). Should the arbiter abort the worker anyway, the same error
is raised from ``worker_abort``. No ``Server: gunicorn`` header is sent.
"""

from __future__ import annotations

import os
import signal
from typing import Any

import gunicorn.http.wsgi

from backend.errors import RequestTimeout

# gunicorn writes "Server: <SERVER>" on every response; it has no setting to leave it out.
gunicorn.http.wsgi.SERVER = "rammetal"

timeout = int(os.environ.get("RAMMETAL_WORKER_TIMEOUT", "30"))
worker_class = "sync"

# gunicorn answers an over-long request line (414) or header (431) itself, in English
# HTML. Its limits are set far above the app's (backend.http.guard.check_limits: 8190
# characters, 100 headers), so the app answers those with the Danish page or
# problem+json. 0 is gunicorn's "no limit" for the request line (1 MiB in its parser).
limit_request_line = 0
limit_request_field_size = 64 * 1024
limit_request_fields = 1000


def soft_timeout(hard: int) -> float:
    """Seconds a request may run before it is stopped with a 503 (before gunicorn's kill)."""
    return max(hard - min(3.0, hard / 4), 0.5)


def _on_alarm(_signum: int, _frame: Any) -> None:
    raise RequestTimeout()


def post_worker_init(worker: Any) -> None:
    signal.signal(signal.SIGALRM, _on_alarm)


def pre_request(worker: Any, _req: Any) -> None:
    signal.setitimer(signal.ITIMER_REAL, soft_timeout(worker.cfg.timeout))


def post_request(_worker: Any, _req: Any, _environ: Any, _resp: Any) -> None:
    signal.setitimer(signal.ITIMER_REAL, 0)


def worker_abort(_worker: Any) -> None:
    raise RequestTimeout()
