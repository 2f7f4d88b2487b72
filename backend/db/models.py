"""Import every domain's models so that ``Base.metadata`` is complete (Alembic, tests)."""

from backend.audit import models as audit_models  # noqa: F401
from backend.auth import models as auth_models  # noqa: F401
from backend.db.base import Base
from backend.offers import models as offers_models  # noqa: F401
from backend.organisations import models as organisations_models  # noqa: F401
from backend.periods import models as periods_models  # noqa: F401
from backend.reference import models as reference_models  # noqa: F401
from backend.reports import models as reports_models  # noqa: F401
from backend.submissions import models as submissions_models  # noqa: F401
from backend.udgiftsbehov import models as udgiftsbehov_models  # noqa: F401

metadata = Base.metadata
