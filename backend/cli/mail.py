"""``rammetal mail``: send the outbox and write the reminders (both for cron; README "Mail")."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import click

from backend.cli.common import _database, _settings, _unit_of_work, main


@main.group()
def mail() -> None:
    """E-mail: the outbox (receipts, decisions, reminders) and the reminder run."""


@mail.command("send")
def mail_send() -> None:
    """Send the due mail of the outbox over SMTP (RAMMETAL_SMTP_*); run it every few
    minutes from cron. Undelivered mail is retried later, and marked failed after
    RAMMETAL_MAIL_MAX_ATTEMPTS attempts (shown on /administration)."""
    from backend.notifications.sender import MailNotConfigured, send_due

    settings = _settings()
    database = _database(settings)
    try:
        report = send_due(database, settings)
    except MailNotConfigured as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        database.dispose()
    for error in report.errors:
        click.echo(f"Fejl: {error}", err=True)
    click.echo(
        f"{report.sent} sendt, {report.retry_later} forsøges igen senere, "
        f"{report.failed} fejlet endeligt."
    )


@mail.command("remind")
@click.option(
    "--dato",
    "today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day to remind for (default: today in Denmark), YYYY-MM-DD.",
)
def mail_remind(today: object) -> None:
    """Write the reminders due today to the outbox: RAMMETAL_REMIND_DAYS_BEFORE days before
    a deadline and RAMMETAL_REMIND_DAYS_AFTER days after it, to organisations without a
    submitted version; once per period, organisation and kind. Run it daily from cron."""
    from backend.submissions.reminders import enqueue_reminders

    settings = _settings()
    # the deadlines are Danish calendar days
    day: date = (
        today.date()  # type: ignore[attr-defined]
        if today is not None
        else datetime.now(ZoneInfo("Europe/Copenhagen")).date()
    )
    with _unit_of_work(settings) as session:
        report = enqueue_reminders(
            session,
            today=day,
            days_before=settings.remind_days_before,
            days_after=settings.remind_days_after,
            public_url=settings.public_url,
        )
    click.echo(
        f"{report.mails} påmindelser til {report.organisations} organisationer lagt i udbakken."
    )
