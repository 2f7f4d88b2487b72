"""Mail through a real SMTP server: receipts, decisions with the secretariat's comment,
reminders before and after a deadline, retries while the server is down, failures on
/administration, and nothing from a rolled-back step. On SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from backend.auth.models import User
from backend.cli import main
from backend.db.tenancy import TenantScope, scoped
from backend.notifications.models import OutboxMail
from backend.notifications.sender import send_due
from backend.notifications.states import MailStatus
from backend.organisations.service import get_by_code
from backend.periods.models import ReportingPeriod
from backend.submissions import reminders, workflow
from backend.submissions.models import Submission
from tests.backend.notifications.conftest import SmtpServer
from tests.conftest import Env
from tests.factories import (
    make_mail,
    make_offer,
    make_period,
    make_token,
    make_user,
    upload_submission,
)
from tests.web.conftest import login

FRIST = date(2030, 4, 30)
BEFORE, AFTER = 7, 3


def _csv(offer: str, regnskab: int = 1000000) -> bytes:
    return f"tilbud_id;regnskab;belaegning\r\n{offer};{regnskab};10\r\n".encode()


def _me(env: Env, headers: dict[str, str]) -> str:
    return str(env.client.get("/api/v1/me", headers=headers).json["email"])


def _upload(env: Env, headers: dict[str, str], period_id: int, offer: str, regnskab: int) -> str:
    response = env.client.post(
        f"/api/v1/periods/{period_id}/submissions/regnskab",
        headers=headers,
        data=_csv(offer, regnskab),
        content_type="text/csv",
    )
    assert response.status_code == 201, response.json
    return str(response.json["id"])


def _outbox(env: Env) -> list[OutboxMail]:
    with env.database.unit_of_work() as session:
        ids = list(session.scalars(sa.text("SELECT id FROM organisation")))
        with scoped(session, TenantScope.many(None, ids)):
            return list(session.scalars(sa.select(OutboxMail).order_by(OutboxMail.created_at)))


def test_receipt_rejection_with_comment_and_approval(env: Env, smtp: SmtpServer) -> None:
    settings = smtp.settings(env.url)
    offer = make_offer(env.database, org="657")
    period_id = make_period(env.database, aar=2030, frist=FRIST)
    reporter = make_token(env.database, org="657", role="reporter")
    secretariat = make_token(env.database, org="sekretariat-midt", role="secretariat")
    address = _me(env, reporter)

    first = _upload(env, reporter, period_id, offer, 1000000)
    assert send_due(env.database, settings).sent == 0  # a draft sends nothing
    assert (
        env.client.post(f"/api/v1/submissions/{first}/submit", headers=reporter).status_code == 200
    )
    assert smtp.inbox.messages == []  # the request did not wait on the mail server

    report = send_due(env.database, settings)
    assert (report.sent, report.retry_later, report.failed) == (1, 0, 0)
    [receipt] = smtp.inbox.take()
    assert receipt.recipients == [address]
    assert receipt.sender == "noreply@rammetal.test"
    assert receipt.subject == "Kvittering: Herning har indsendt regnskab 2030"
    assert "Kære Test reporter" in receipt.body
    assert "Hernings indberetning af regnskab 2030 (version 1) blev indsendt" in receipt.body
    assert send_due(env.database, settings).sent == 0  # sent once

    comment = "Regnskabet for Bøgely mangler; ret række 2 og indsend igen."
    rejected = env.client.post(
        f"/api/v1/submissions/{first}/reject", headers=secretariat, json={"kommentar": comment}
    )
    assert rejected.status_code == 200
    send_due(env.database, settings)
    [rejection] = smtp.inbox.take()
    assert rejection.recipients == [address]
    assert rejection.subject == "Afvist: Hernings indberetning af regnskab 2030"
    assert f"Sekretariatets begrundelse:\n{comment}" in rejection.body
    assert "Fristen er 30. april 2030." in rejection.body

    second = _upload(env, reporter, period_id, offer, 1200000)
    env.client.post(f"/api/v1/submissions/{second}/submit", headers=reporter)
    env.client.post(
        f"/api/v1/submissions/{second}/approve", headers=secretariat, json={"kommentar": "Fint."}
    )
    assert send_due(env.database, settings).sent == 2
    receipt2, approval = smtp.inbox.take()
    assert "(version 2)" in receipt2.body
    assert approval.recipients == [address]
    assert approval.subject == "Godkendt: Hernings indberetning af regnskab 2030"
    assert (
        "Sekretariatet har godkendt Hernings indberetning af regnskab 2030 (version 2)"
        in approval.body
    )
    assert "Sekretariatets kommentar:\nFint." in approval.body
    assert all(m.status == MailStatus.SENDT and m.attempts == 1 for m in _outbox(env))


def _remind(env: Env, today: date) -> int:
    with env.database.unit_of_work() as session:
        report = reminders.enqueue_reminders(
            session, today=today, days_before=BEFORE, days_after=AFTER
        )
    return report.mails


def _opt_out(env: Env, email: str) -> None:
    with env.database.unit_of_work() as session:
        user = session.scalars(sa.select(User).where(User.email == email)).one()
        user.paamindelser = False


def test_reminders_before_and_after_the_deadline(env: Env, smtp: SmtpServer) -> None:
    settings = smtp.settings(env.url)
    period_id = make_period(env.database, aar=2030, frist=FRIST)
    reporter = make_user(env.database, org="657", role="reporter")
    opted_out = make_user(env.database, org="657", role="reporter")
    _opt_out(env, opted_out)
    make_user(env.database, org="657", role="viewer")  # reads, does not report
    # Aarhus has submitted: its reporters get no reminder
    upload_submission(
        env.database,
        org="751",
        period_id=period_id,
        stream="regnskab",
        data=_csv(make_offer(env.database, org="751")),
        submit=True,
    )
    expected = {reporter, "herning@rammetal.demo", "region@rammetal.demo"}

    assert _remind(env, FRIST - timedelta(days=BEFORE + 1)) == 0  # too early
    assert _remind(env, FRIST - timedelta(days=BEFORE)) == len(expected)
    assert _remind(env, FRIST - timedelta(days=BEFORE)) == 0  # not twice
    assert _remind(env, FRIST - timedelta(days=2)) == 0  # nor on a later day of the window
    send_due(env.database, settings)
    before = smtp.inbox.take()
    assert sorted(r for m in before for r in m.recipients) == sorted(expected)
    [mail] = [m for m in before if reporter in m.recipients]
    assert mail.subject == "Påmindelse: regnskab 2030 skal indberettes senest 30. april 2030"
    assert "Herning har endnu ikke indsendt regnskab 2030" in mail.body
    assert "(om 7 dage)" in mail.body
    assert "slå påmindelser fra" in mail.body
    assert "Aarhus" not in mail.body and "Region" not in mail.body  # only its own organisation
    [region] = [m for m in before if "region@rammetal.demo" in m.recipients]
    assert "Region Midtjylland har endnu ikke indsendt" in region.body
    assert "Herning" not in region.body

    assert _remind(env, FRIST + timedelta(days=AFTER - 1)) == 0  # the deadline just passed
    assert _remind(env, FRIST + timedelta(days=AFTER)) == len(expected)
    assert _remind(env, FRIST + timedelta(days=AFTER + 1)) == 0
    send_due(env.database, settings)
    after = smtp.inbox.take()
    assert sorted(r for m in after for r in m.recipients) == sorted(expected)
    [late] = [m for m in after if reporter in m.recipients]
    assert late.subject == "Fristen er overskredet: regnskab 2030 mangler fra Herning"
    assert "Fristen for regnskab 2030 var 30. april 2030" in late.body
    assert not [m for m in before + after if opted_out in m.recipients]


def test_no_reminder_for_a_closed_period_or_long_after_it(env: Env) -> None:
    period_id = make_period(env.database, aar=2030, frist=FRIST)
    assert _remind(env, FRIST + timedelta(days=AFTER + reminders.LATE_WINDOW_DAYS + 1)) == 0
    with env.database.unit_of_work() as session:
        period = session.get_one(ReportingPeriod, period_id)
        period.status, period.closed_at = "lukket", datetime.now(UTC)
    assert _remind(env, FRIST) == 0


def test_smtp_down_is_retried_then_failed_and_shown_to_the_admin(
    env: Env, smtp: SmtpServer
) -> None:
    settings = smtp.settings(env.url, mail_max_attempts=3, mail_retry_seconds=60)
    recipient = make_mail(env.database, org="657", subject="Kvittering: ventet af sekretariatet")
    smtp.stop()
    t0 = datetime(2030, 1, 1, 12, tzinfo=UTC)

    report = send_due(env.database, settings, now=t0)
    assert (report.sent, report.retry_later, report.failed) == (0, 1, 0)
    assert "ConnectionRefusedError" in report.errors[0]
    assert send_due(env.database, settings, now=t0 + timedelta(seconds=59)).retry_later == 0
    [mail] = _outbox(env)
    assert (mail.status, mail.attempts) == (MailStatus.AFVENTER, 1)
    assert mail.next_attempt_at == t0 + timedelta(seconds=60)

    # the server is back before the second attempt: delivered, nothing lost
    smtp.start()
    assert send_due(env.database, settings, now=t0 + timedelta(seconds=60)).sent == 1
    assert smtp.inbox.take()[0].recipients == [recipient]

    failing = make_mail(env.database, org="751", subject="Afvist: regnskab fra Aarhus")
    smtp.stop()
    t1 = datetime.now(UTC) + timedelta(seconds=1)
    outcomes = [
        send_due(env.database, settings, now=t1 + timedelta(seconds=s)) for s in (0, 60, 180)
    ]
    assert [(r.retry_later, r.failed) for r in outcomes] == [(1, 0), (1, 0), (0, 1)]
    failed = [m for m in _outbox(env) if m.recipient == failing]
    assert [(m.status, m.attempts) for m in failed] == [(MailStatus.FEJLET, 3)]
    smtp.start()
    assert send_due(env.database, settings, now=t1 + timedelta(days=1)).sent == 0  # given up

    admin = login(env.app, "admin@rammetal.demo", "demo-admin")
    page = admin.get("/administration").get_data(as_text=True)
    assert "Mail, der ikke kunne sendes (1)" in page
    assert failing in page and "Afvist: regnskab fra Aarhus" in page
    assert "ConnectionRefusedError" in page and "Aarhus" in page
    assert recipient not in page  # delivered mail is not listed
    assert "Indhold" not in page  # never the body


def test_a_rolled_back_step_sends_nothing(env: Env, smtp: SmtpServer) -> None:
    settings = smtp.settings(env.url)
    period_id = make_period(env.database, aar=2030, frist=FRIST)
    email = make_user(env.database, org="657", role="reporter")
    submission_id = upload_submission(
        env.database,
        org="657",
        period_id=period_id,
        stream="regnskab",
        data=_csv(make_offer(env.database, org="657")),
    )
    with (
        pytest.raises(RuntimeError, match="after the step"),
        env.database.unit_of_work() as session,
    ):
        org_id = get_by_code(session, "657").id
        with scoped(session, TenantScope.single(org_id)):
            user = session.scalars(sa.select(User).where(User.email == email)).one()
            submission = session.get_one(
                Submission, {"org_id": org_id, "id": uuid.UUID(submission_id)}
            )
            submission.uploaded_by = user.id
            period = session.get_one(ReportingPeriod, period_id)
            workflow.submit(session, submission, period=period)
            session.flush()
            assert len(session.scalars(sa.select(OutboxMail)).all()) == 1  # written …
            raise RuntimeError("after the step")
    assert _outbox(env) == []  # … and rolled back with the step
    assert send_due(env.database, settings).sent == 0
    assert smtp.inbox.messages == []


def test_the_reporter_turns_reminders_off_on_the_page(env: Env) -> None:
    email = make_user(env.database, org="657", role="reporter", password="test-adgangskode-1")
    web = login(env.app, email, "test-adgangskode-1")
    page = web.get("/indberetning").get_data(as_text=True)
    assert 'name="paamindelser" value="ja" checked' in page
    response = web.post("/indberetning/paamindelser", {})
    assert response.status_code == 303
    assert "Du får ikke længere påmindelser" in web.get("/indberetning").get_data(as_text=True)
    with env.database.unit_of_work() as session:
        user = session.scalars(sa.select(User).where(User.email == email)).one()
        assert user.paamindelser is False
        assert _remind_recipients(session, user.organisation_id) == ["herning@rammetal.demo"]
    web.post("/indberetning/paamindelser", {"paamindelser": "ja"})
    with env.database.unit_of_work() as session:
        assert session.scalars(sa.select(User.paamindelser).where(User.email == email)).one()


def _remind_recipients(session: sa.orm.Session, org_id: int) -> list[str]:
    from backend.notifications.service import reminder_recipients

    return [u.email for u in reminder_recipients(session, org_id)]


def test_the_cron_commands(
    sqlite_env: Env, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``rammetal mail remind`` and ``rammetal mail send`` as cron runs them (README "Mail")."""
    make_period(sqlite_env.database, aar=2030, frist=FRIST)
    for name, value in {
        "RAMMETAL_DATABASE_URL": sqlite_env.url,
        "RAMMETAL_SMTP_HOST": "127.0.0.1",
        "RAMMETAL_SMTP_PORT": str(smtp.port),
        "RAMMETAL_MAIL_FROM": "Rammetal <noreply@rammetal.test>",
        "RAMMETAL_REMIND_DAYS_BEFORE": "10",
    }.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    remind = runner.invoke(main, ["mail", "remind", "--dato", "2030-04-20"], catch_exceptions=False)
    assert remind.exit_code == 0 and "3 påmindelser til 3 organisationer" in remind.output
    sent = runner.invoke(main, ["mail", "send"], catch_exceptions=False)
    assert sent.exit_code == 0 and "3 sendt, 0 forsøges igen senere" in sent.output
    assert sorted(r for m in smtp.inbox.messages for r in m.recipients) == [
        "aarhus@rammetal.demo",
        "herning@rammetal.demo",
        "region@rammetal.demo",
    ]
    assert "(om 10 dage)" in smtp.inbox.to("herning@rammetal.demo")[0].body
    monkeypatch.delenv("RAMMETAL_SMTP_HOST")
    refused = runner.invoke(main, ["mail", "send"])
    assert refused.exit_code == 1 and "RAMMETAL_SMTP_HOST" in refused.output
