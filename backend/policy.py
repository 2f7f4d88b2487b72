"""Who may do what: the roles, the named permissions, and one table between them.

The only place a role is read. The API's routes, the pages, the CLI and the services ask
:func:`can` (or :func:`require_permission`) for a :class:`Permission`, never for a role; the
start page and the navigation are keyed by permission too. ``tests/test_policy.py`` fails
when a role's name appears anywhere else in ``backend/`` (the models, which store the role,
and the migrations aside).

Core, below every domain: the tenant scope (:mod:`backend.db.tenancy`) reads a role's
reach from here, and the services check the permission of the use case themselves, so the
rule holds whichever shell calls them. Modelled on Warehouse's ``authnz/_permissions.py``
and CKAN's ``logic/auth``: a permission names an action, a role is a set of permissions.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from backend.context import Principal
from backend.errors import Forbidden


class Role(enum.StrEnum):
    """A user's role, as stored on the user (``users.role``)."""

    REPORTER = "reporter"  # a municipality's (or the Region's) finance officer
    ORG_ADMIN = "org_admin"  # the officer who also manages the organisation's users
    SECRETARIAT = "secretariat"  # the rammeaftale's secretariat
    VIEWER = "viewer"  # a DASSOS member (social director): published outputs only
    ADMIN = "admin"  # the platform operator: users, tokens, reference data


#: The Danish name of each role, as the pages show it.
ROLE_LABELS: Mapping[Role, str] = {
    Role.REPORTER: "Indberetter",
    Role.ORG_ADMIN: "Administrator for organisationen",
    Role.SECRETARIAT: "Sekretariatet",
    Role.VIEWER: "DASSOS-medlem",
    Role.ADMIN: "Platformsadministrator",
}


class Permission(enum.Enum):
    """An action, named after what the user does."""

    #: The catalogue every signed-in user reads: organisations, målgrupper, periods,
    #: reference data, definitions, one's own tokens.
    READ_CATALOGUE = "read_catalogue"
    #: Published outputs: the published ledelsesinformation, nøgletal, published model runs.
    READ_PUBLISHED = "read_published"
    #: Raw tenant rows in reach: offers, submissions and their lines and files, period status.
    READ_TENANT_DATA = "read_tenant_data"
    #: Report for one's own organisation: upload, submit, write the offer register.
    REPORT = "report"
    #: Approve or reject a submitted version (never one's own organisation's as a reporter).
    DECIDE = "decide"
    #: Read what is not yet published: the draft edition, unpublished model runs.
    READ_DRAFTS = "read_drafts"
    #: Publish an edition of the ledelsesinformation.
    PUBLISH_EDITION = "publish_edition"
    #: Open and change reporting periods and their deadlines.
    OPEN_PERIODS = "open_periods"
    #: Start expected-need model runs and publish (or withdraw) them.
    RUN_MODELS = "run_models"
    #: Act for any organisation of the rammeaftale (a template for another organisation).
    ACT_FOR_AGREEMENT = "act_for_agreement"
    #: Load platform-wide reference data (population, PL index, indicators).
    WRITE_REFERENCE = "write_reference"
    #: Revoke anyone's API token; manage the platform.
    ADMINISTER_PLATFORM = "administer_platform"


P = Permission

#: The one table from role to permissions.
ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.REPORTER: frozenset({P.READ_CATALOGUE, P.READ_PUBLISHED, P.READ_TENANT_DATA, P.REPORT}),
    Role.ORG_ADMIN: frozenset({P.READ_CATALOGUE, P.READ_PUBLISHED, P.READ_TENANT_DATA, P.REPORT}),
    Role.SECRETARIAT: frozenset(
        {
            P.READ_CATALOGUE,
            P.READ_PUBLISHED,
            P.READ_TENANT_DATA,
            P.DECIDE,
            P.READ_DRAFTS,
            P.PUBLISH_EDITION,
            P.OPEN_PERIODS,
            P.RUN_MODELS,
            P.ACT_FOR_AGREEMENT,
        }
    ),
    Role.VIEWER: frozenset({P.READ_CATALOGUE, P.READ_PUBLISHED}),
    Role.ADMIN: frozenset({P.READ_CATALOGUE, P.WRITE_REFERENCE, P.ADMINISTER_PLATFORM}),
}


class Reach(enum.Enum):
    """Which organisations' raw rows a role reads and writes (the tenant scope)."""

    OWN_ORGANISATION = "own_organisation"
    AGREEMENT = "agreement"
    NONE = "none"


def _role(name: str) -> Role | None:
    try:
        return Role(name)
    except ValueError:
        return None


def grants(role: str) -> frozenset[Permission]:
    """The permissions of the role named ``role`` (none for an unknown name)."""
    known = _role(role)
    return ROLE_PERMISSIONS[known] if known is not None else frozenset()


def permissions(principal: Principal | None) -> frozenset[Permission]:
    """Everything ``principal`` may do (nothing without a principal)."""
    return grants(principal.role) if principal is not None else frozenset()


def can(principal: Principal | None, permission: Permission) -> bool:
    return permission in permissions(principal)


def reach(principal: Principal) -> Reach:
    """The tenant reach of a principal: the agreement, its own organisation, or none."""
    granted = permissions(principal)
    if Permission.ACT_FOR_AGREEMENT in granted:
        return Reach.AGREEMENT
    if Permission.READ_TENANT_DATA in granted:
        return Reach.OWN_ORGANISATION
    return Reach.NONE


#: The Danish refusal of each permission (a 403 problem or the 403 page).
REFUSALS: Mapping[Permission, str] = {
    P.DECIDE: "Kun sekretariatet kan godkende eller afvise indberetninger.",
    P.PUBLISH_EDITION: "Kun sekretariatet kan offentliggøre ledelsesinformationen.",
    P.OPEN_PERIODS: "Kun sekretariatet kan oprette og ændre indberetningsperioder.",
    P.RUN_MODELS: "Kun sekretariatet kan køre og offentliggøre modeller.",
    P.WRITE_REFERENCE: (
        "Referencedata er fælles for alle rammeaftaler og indlæses kun af "
        "platformens administrator."
    ),
    P.REPORT: "Kun organisationens indberettere kan indberette.",
}
DEFAULT_REFUSAL = "Din rolle giver ikke adgang til denne handling."


def refusal(permission: Permission) -> str:
    return REFUSALS.get(permission, DEFAULT_REFUSAL)


def require_permission(
    principal: Principal | None, permission: Permission, *, code: str = "ingen_adgang"
) -> None:
    """Raise :class:`~backend.errors.Forbidden` unless ``principal`` may ``permission``.
    ``None`` (the operator's CLI, the demo loader) may do everything."""
    if principal is not None and not can(principal, permission):
        raise Forbidden(refusal(permission), code=code)


def role_label(role: str) -> str:
    known = _role(role)
    return ROLE_LABELS[known] if known is not None else role
