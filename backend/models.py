"""The model registry: every domain's models imported so that ``Base.metadata`` is complete.

Above every domain in the layer order (``backend/__init__.py``), so ``backend.db`` imports
no domain. Imported by what opens a database for real work (the app factory, the CLI),
by Alembic's ``migrations/env.py`` and by the tests: every mapper is known before the
first flush, and the tenant-owned tables are all known to the tenancy hooks.
"""

from backend.audit import models as audit_models  # noqa: F401
from backend.auth import models as auth_models  # noqa: F401
from backend.db.base import Base
from backend.notifications import models as notifications_models  # noqa: F401
from backend.offers import models as offers_models  # noqa: F401
from backend.organisations import models as organisations_models  # noqa: F401
from backend.periods import models as periods_models  # noqa: F401
from backend.reference import models as reference_models  # noqa: F401
from backend.reports import models as reports_models  # noqa: F401
from backend.submissions import models as submissions_models  # noqa: F401
from backend.udgiftsbehov import models as udgiftsbehov_models  # noqa: F401

metadata = Base.metadata
