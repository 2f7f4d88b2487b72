"""Templates, uploads and the submission workflow.

Reporters and org admins download templates for, upload to and read their own
organisation only; the secretariat reads every organisation of its rammeaftale and
approves or rejects, but never uploads for an organisation; viewers and platform admins
get 403. Another organisation's submission is a 404 (the tenant scope hides it).
"""

from __future__ import annotations

import io
import uuid

from flask import request, send_file
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.fields import safe_file_name
from backend.http import (
    begin_writing,
    database,
    principal,
    reads_first,
    require,
    session,
    uploaded_file,
)
from backend.http.problems import abort
from backend.periods import service as periods
from backend.periods.models import STREAMS, ReportingPeriod
from backend.periods.schemas import PeriodStatusSchema
from backend.policy import Permission
from backend.submissions import service, workflow
from backend.submissions.models import Submission
from backend.submissions.schemas import (
    LINE_SCHEMAS,
    DecisionSchema,
    LinePageSchema,
    LineQuerySchema,
    RejectSchema,
    SubmissionPageSchema,
    SubmissionQuerySchema,
    SubmissionSchema,
    TemplateQuerySchema,
)
from backend.tabular.media import MEDIA_TYPES

blp = Blueprint(
    "submissions", __name__, description="Indberetninger: skabeloner, upload og godkendelse"
)

MIMETYPES = MEDIA_TYPES
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": 'The latest version the client knows ("0" for none): 412 if another '
    "version has been uploaded since",
}
UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["fil"],
                "properties": {"fil": {"type": "string", "format": "binary"}},
            }
        },
        MIMETYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
        "text/csv": {"schema": {"type": "string", "format": "binary"}},
        "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
    },
}
FILE_RESPONSE = {
    "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in MIMETYPES.values()}
}


def _period(period_id: int, stream: str) -> ReportingPeriod:
    if stream not in STREAMS:
        abort(404, "findes_ikke", f"Datastrømmen '{stream}' findes ikke.")
    return periods.get_period(
        session(), rammeaftale_id=principal().rammeaftale_id, period_id=period_id
    )


def _expected_latest() -> int | None:
    raw = request.headers.get("If-Match")
    if not raw:
        return None
    try:
        return int(raw.strip().removeprefix("W/").strip('"'))
    except ValueError:
        abort(412, "foraeldet_version", "If-Match skal være nummeret på den seneste version.")
        raise  # unreachable: abort raises


@blp.route("/periods/<int:period_id>/status")
class PeriodStatus(MethodView):
    @require(Permission.READ_TENANT_DATA)
    @blp.response(200, PeriodStatusSchema)
    @blp.alt_response(404, description="Perioden findes ikke")
    def get(self, period_id: int):
        """Who has reported: per organisation nothing yet, draft, submitted, approved,
        rejected or late. The secretariat sees every organisation, others their own."""
        period = periods.get_period(
            session(), rammeaftale_id=principal().rammeaftale_id, period_id=period_id
        )
        return {"periode": period, "organisationer": workflow.status_overview(session(), period)}


@blp.route("/periods/<int:period_id>/templates/<string:stream>")
class Template(MethodView):
    @require(Permission.READ_TENANT_DATA)
    @blp.arguments(TemplateQuerySchema, location="query")
    @blp.response(200, description="XLSX or CSV template, pre-filled with the offers")
    @blp.doc(responses={"200": FILE_RESPONSE})
    @blp.alt_response(404, description="Perioden eller datastrømmen findes ikke")
    def get(self, query, period_id: int, stream: str):
        """Download the template for a period and stream (secretariat: ?organisation=<kode>)."""
        found = service.template_download(
            session(),
            principal(),
            period=_period(period_id, stream),
            stream=stream,
            fmt=query["format"],
            organisation=query.get("organisation"),
        )
        return send_file(
            io.BytesIO(found.data),
            mimetype=found.media_type,
            as_attachment=True,
            download_name=found.file_name,
        )


@blp.route("/periods/<int:period_id>/submissions/<string:stream>")
class Upload(MethodView):
    @reads_first
    @require(Permission.REPORT)
    @blp.response(201, SubmissionSchema)
    @blp.doc(requestBody=UPLOAD_BODY, parameters=[IF_MATCH])
    @blp.alt_response(
        409,
        description="Perioden er lukket (periode_lukket), filen er identisk med seneste version "
        "(samme_fil), eller en samtidig upload vandt",
    )
    @blp.alt_response(412, description="If-Match er ikke den seneste version")
    @blp.alt_response(413, description="Filen er for stor")
    @blp.alt_response(
        422, description="Filen har fejl (ugyldig_fil): alle fejl med ark, række og kolonne"
    )
    def post(self, period_id: int, stream: str):
        """Upload XLSX, CSV or JSON (multipart field `fil`, or the raw body): a new draft version."""
        data, filename = uploaded_file("fil")
        submission = service.upload_as(
            session(),
            principal(),
            period=_period(period_id, stream),
            stream=stream,
            filename=filename,
            data=data,
            expected_latest_version=_expected_latest(),
            max_bytes=request.max_content_length or len(data),
            begin_writing=begin_writing,
            database=database(),
        )
        location = f"{request.host_url.rstrip('/')}/api/v1/submissions/{submission.id}"
        return submission, 201, {"Location": location, "ETag": f'"{submission.version}"'}


@blp.route("/submissions")
class Submissions(MethodView):
    @require(Permission.READ_TENANT_DATA)
    @blp.arguments(SubmissionQuerySchema, location="query")
    @blp.response(200, SubmissionPageSchema)
    def get(self, query):
        """Submissions in scope, newest version first, filtered by period, stream, organisation, status."""
        return service.list_submissions(session(), **query)


def _submission(submission_id: uuid.UUID) -> Submission:
    return service.get_submission(session(), submission_id)


@blp.route("/submissions/<uuid:submission_id>")
class SubmissionById(MethodView):
    @require(Permission.READ_TENANT_DATA)
    @blp.response(200, SubmissionSchema)
    @blp.alt_response(404, description="Indberetningen findes ikke")
    def get(self, submission_id: uuid.UUID):
        """One version with its warnings and workflow status."""
        return _submission(submission_id)


@blp.route("/submissions/<uuid:submission_id>/lines")
class SubmissionLines(MethodView):
    @require(Permission.READ_TENANT_DATA)
    @blp.arguments(LineQuerySchema, location="query")
    @blp.response(200, LinePageSchema)
    @blp.alt_response(404, description="Indberetningen findes ikke")
    def get(self, query, submission_id: uuid.UUID):
        """The stored lines of a version, in file order (line_no = row in the file)."""
        submission = _submission(submission_id)
        page = service.list_lines(session(), submission, **query)
        items = LINE_SCHEMAS[submission.stream].dump(page.items, many=True)
        return {
            "stream": submission.stream,
            "total": page.total,
            "limit": page.limit,
            "offset": page.offset,
            "items": items,
        }


@blp.route("/submissions/<uuid:submission_id>/file")
class SubmissionFileDownload(MethodView):
    @require(Permission.READ_TENANT_DATA)
    @blp.response(200, description="The original file, byte for byte")
    @blp.doc(responses={"200": FILE_RESPONSE})
    @blp.alt_response(404, description="Indberetningen findes ikke")
    def get(self, submission_id: uuid.UUID):
        """Download the uploaded file as it was received (its SHA-256 is the ETag)."""
        submission = _submission(submission_id)
        response = send_file(
            io.BytesIO(service.get_file(session(), submission)),
            mimetype=MIMETYPES[submission.file_format],
            as_attachment=True,
            # Names stored before file names were cleaned may hold CR/LF: never a 500.
            download_name=safe_file_name(submission.file_name)
            or f"{submission.stream}.{submission.file_format}",
            etag=submission.file_sha256,
        )
        return response


def _period_of(submission: Submission) -> ReportingPeriod:
    return periods.get_period(
        session(), rammeaftale_id=principal().rammeaftale_id, period_id=submission.period_id
    )


@blp.route("/submissions/<uuid:submission_id>/submit")
class Submit(MethodView):
    @require(Permission.REPORT)
    @blp.response(200, SubmissionSchema)
    @blp.alt_response(404, description="Indberetningen findes ikke")
    @blp.alt_response(
        409, description="Ikke en kladde, ikke nyeste version, eller perioden er lukket"
    )
    def post(self, submission_id: uuid.UUID):
        """Send the latest draft to the secretariat. Audited."""
        submission = _submission(submission_id)
        return workflow.submit(
            session(), submission, period=_period_of(submission), actor=principal()
        )


@blp.route("/submissions/<uuid:submission_id>/approve")
class Approve(MethodView):
    @require(Permission.DECIDE)
    @blp.arguments(DecisionSchema)
    @blp.response(200, SubmissionSchema)
    @blp.alt_response(404, description="Indberetningen findes ikke")
    @blp.alt_response(409, description="Ikke indsendt, eller ikke nyeste version")
    def post(self, data, submission_id: uuid.UUID):
        """Approve a submitted version (a registry upload is applied to the offers). Audited."""
        submission = _submission(submission_id)
        return workflow.approve(
            session(),
            submission,
            period=_period_of(submission),
            actor=principal(),
            kommentar=data.get("kommentar"),
        )


@blp.route("/submissions/<uuid:submission_id>/reject")
class Reject(MethodView):
    @require(Permission.DECIDE)
    @blp.arguments(RejectSchema)
    @blp.response(200, SubmissionSchema)
    @blp.alt_response(404, description="Indberetningen findes ikke")
    @blp.alt_response(409, description="Ikke indsendt, eller ikke nyeste version")
    def post(self, data, submission_id: uuid.UUID):
        """Reject a submitted version with a comment (kommentar is required). Audited."""
        submission = _submission(submission_id)
        return workflow.reject(
            session(), submission, actor=principal(), kommentar=data["kommentar"]
        )
