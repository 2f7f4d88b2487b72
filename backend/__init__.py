"""Rammetal's backend. The layer order, from the bottom up (written here once; enforced by
``tests/test_layers.py``):

1. ``benchmark`` -- pure computation (no Flask, SQLAlchemy, backend or I/O).
2. core -- ``backend.db`` (engine, sessions, base, tenancy, RLS), ``backend.errors``
   (the domain exceptions services raise; no Flask), ``backend.context`` (the request
   context: principal and request id), ``backend.audit``, ``backend.tabular``,
   ``backend.config``, ``backend.migrate``.
3. ``backend.organisations``
4. ``backend.auth``
5. ``backend.offers``, ``backend.periods``, ``backend.reference``
6. ``backend.notifications`` -- the mail outbox and its Danish texts; below submissions,
   whose workflow steps write their mail into it (the reminder run, which reads the
   submissions, is ``backend.submissions.reminders``)
7. ``backend.submissions``
8. ``backend.reports``
9. ``backend.udgiftsbehov``
10. shells -- ``backend.http`` (request lifecycle and the problem+json handlers), every
    domain's ``routes.py``, ``backend.web``, ``backend.cli``, ``backend.demo``,
    ``backend.app``, ``backend.health``, ``backend.wsgi``, ``backend.json_provider`` and
    ``backend.models`` (the model registry for Alembic).

A module imports its own layer and the layers below it, never above; only the shells
import Flask. There is no import cycle anywhere, function-local and ``TYPE_CHECKING``
imports included, neither between modules nor between packages. A new package gets its
place here and in ``tests/test_layers.py`` (the test fails for a module it cannot place).
"""
