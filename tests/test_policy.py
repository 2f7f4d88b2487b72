"""Who may do what is read in one place: ``backend/policy.py``.

The doors (API routes, pages, CLI) ask for a named permission; the services that decide
(approve, reject, submit, reference writes) check it themselves, so a shell that forgets
its decorator still cannot let a reporter approve."""

from __future__ import annotations

import ast
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from backend import policy
from backend.context import Principal
from backend.errors import Forbidden
from backend.periods.models import ReportingPeriod
from backend.policy import Permission, Role, can
from backend.submissions import service as submissions
from backend.submissions import workflow
from backend.submissions.models import Submission
from backend.submissions.states import SubmissionStatus
from tests.conftest import Env
from tests.factories import make_period, upload_submission

ROOT = Path(__file__).resolve().parents[1]
ROLE_NAMES = frozenset(role.value for role in Role)
#: Where a role's name may be written: the policy itself, the stored column's model and the
#: migrations (history, which names the roles as they were).
ALLOWED = ("backend/policy.py", "backend/auth/models.py")


def _role_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in ROLE_NAMES
    ]


def test_no_role_name_outside_the_policy_module() -> None:
    found = []
    for path in sorted((ROOT / "backend").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel in ALLOWED or "/_data/" in rel or "migrations" in rel:
            continue
        found += _role_literals(path)
    assert found == [], "ask for a Permission instead of a role:\n" + "\n".join(found)


def test_the_checker_finds_a_role_comparison(tmp_path: Path) -> None:
    # The scan above must be able to fail: a door written the old way is found.
    probe = ROOT / "backend" / f"_probe_{uuid.uuid4().hex}.py"
    probe.write_text('def ok(p):\n    return p.role == "secretariat"\n', encoding="utf-8")
    try:
        assert len(_role_literals(probe)) == 1
    finally:
        probe.unlink()


def _principal(role: str) -> Principal:
    return Principal(
        user_id=1, email="x@test.dk", role=role, org_id=1, org_kode="657", org_type="kommune",
        rammeaftale_id=1,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.REPORTER, {"report", "read_tenant_data", "read_published", "read_catalogue"}),
        (Role.ORG_ADMIN, {"report", "read_tenant_data", "read_published", "read_catalogue"}),
        (
            Role.SECRETARIAT,
            {
                "decide", "read_drafts", "publish_edition", "open_periods", "run_models",
                "act_for_agreement", "read_tenant_data", "read_published", "read_catalogue",
            },
        ),
        (Role.VIEWER, {"read_published", "read_catalogue"}),
        (Role.ADMIN, {"write_reference", "administer_platform", "read_catalogue"}),
    ],
)  # fmt: skip
def test_the_role_table(role: Role, allowed: set[str]) -> None:
    p = _principal(role)
    assert {perm.value for perm in Permission if can(p, perm)} == allowed


def test_an_unknown_role_may_do_nothing() -> None:
    assert policy.permissions(_principal("sekretær")) == frozenset()
    assert not can(None, Permission.READ_CATALOGUE)


def test_every_permission_is_granted_to_some_role() -> None:
    granted = frozenset().union(*policy.ROLE_PERMISSIONS.values())
    assert granted == frozenset(Permission)


REGNSKAB_CSV = (
    "tilbud_id;regnskab;belaegning;over_underskud;tillaeg;prisaar\n;1000000;10;0;0;2024\n"
)


def _submitted(env: Env) -> tuple[str, int]:
    period = make_period(
        env.database, stream="regnskab", aar=2024, frist=date.today() + timedelta(days=30)
    )
    sid = upload_submission(
        env.database,
        org="657",
        period_id=period,
        stream="regnskab",
        data=REGNSKAB_CSV.encode(),
        submit=True,
    )
    return sid, period


def _as(env: Env, role: str, org_kode: str = "657") -> Principal:
    from backend.organisations.models import Organisation

    with env.database.unit_of_work() as session:
        org = session.scalar(sa.select(Organisation).where(Organisation.kode == org_kode))
        assert org is not None
        return Principal(
            user_id=None, email=f"{role}@test.dk", role=role, org_id=org.id, org_kode=org.kode,
            org_type=org.type, rammeaftale_id=org.rammeaftale_id,
        )  # fmt: skip


@pytest.mark.parametrize("role", [Role.REPORTER, Role.ORG_ADMIN, Role.VIEWER, Role.ADMIN])
def test_the_service_refuses_an_approval_by_anyone_but_the_secretariat(
    env: Env, role: Role
) -> None:
    """Called directly, as a shell without a decorator would: the workflow itself refuses,
    and the version stays submitted."""
    from backend.db.tenancy import TenantScope, scoped

    sid, period_id = _submitted(env)
    actor = _as(env, role)
    with env.database.unit_of_work() as session, scoped(session, TenantScope.single(actor.org_id)):
        submission = submissions.get_submission(session, uuid.UUID(sid))
        period = session.get_one(ReportingPeriod, period_id)
        with pytest.raises(Forbidden) as refused:
            workflow.approve(session, submission, period=period, actor=actor)
        assert "sekretariatet" in refused.value.detail
        with pytest.raises(Forbidden):
            workflow.reject(session, submission, actor=actor, kommentar="Nej")
    with env.database.unit_of_work() as session, scoped(session, TenantScope.single(actor.org_id)):
        status = session.scalar(sa.select(Submission.status).where(Submission.id == uuid.UUID(sid)))
    assert status == SubmissionStatus.INDSENDT


def test_the_service_lets_the_secretariat_approve(env: Env) -> None:
    from backend.db.tenancy import TenantScope, scoped

    sid, period_id = _submitted(env)
    herning = _as(env, Role.REPORTER)
    actor = _as(env, Role.SECRETARIAT, "sekretariat-midt")
    scope = TenantScope.many(actor.org_id, [herning.org_id])
    with env.database.unit_of_work() as session, scoped(session, scope):
        submission = submissions.get_submission(session, uuid.UUID(sid))
        period = session.get_one(ReportingPeriod, period_id)
        workflow.approve(session, submission, period=period, actor=actor)
        assert submission.status == SubmissionStatus.GODKENDT
