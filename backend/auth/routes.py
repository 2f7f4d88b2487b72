"""Login (token issue), token list and revocation, and ``/me``."""

from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.auth import service
from backend.auth.schemas import IssuedTokenSchema, LoginSchema, MeSchema, TokenSchema
from backend.db.tenancy import require_scope
from backend.http import principal, require, session
from backend.http.problems import abort

blp = Blueprint("auth", __name__, url_prefix="", description="Login, adgangstokens og egen bruger")


@blp.route("/auth/tokens")
class Tokens(MethodView):
    @blp.arguments(LoginSchema)
    @blp.response(201, IssuedTokenSchema)
    @blp.alt_response(401, description="Forkert e-mail eller adgangskode")
    @blp.alt_response(429, description="For mange mislykkede forsøg; se Retry-After")
    def post(self, data):
        """Log in with e-mail and password; returns a new bearer token (shown once)."""
        settings = current_app.config["RAMMETAL_SETTINGS"]
        try:
            token, plain = service.login(
                session(),
                email=data["email"],
                password=data["password"],
                remote_addr=request.remote_addr,
                max_failures=settings.login_max_failures,
                window_seconds=settings.login_window_seconds,
                ttl_days=settings.token_ttl_days,
            )
        except service.TooManyAttempts as exc:
            abort(429, exc.code, exc.detail, headers={"Retry-After": str(exc.retry_after)})
        except service.AuthError as exc:
            abort(401, exc.code, exc.detail)
        return {
            "id": token.id,
            "token": plain,
            "prefix": token.prefix,
            "expires_at": token.expires_at,
        }

    @require()
    @blp.response(200, TokenSchema(many=True))
    def get(self):
        """The caller's own tokens (never the secrets)."""
        return service.list_tokens(session(), principal().user_id)


@blp.route("/auth/tokens/<int:token_id>")
class TokenById(MethodView):
    @require()
    @blp.response(204)
    @blp.alt_response(404, description="Tokenet findes ikke (eller er ikke dit)")
    def delete(self, token_id: int):
        """Revoke a token. Users revoke their own; a platform admin may revoke any."""
        service.revoke_token(session(), service.revocable_token(session(), principal(), token_id))


@blp.route("/me")
class Me(MethodView):
    @require()
    @blp.response(200, MeSchema)
    def get(self):
        """The authenticated user, organisation, role and tenant scope."""
        return service.describe(session(), principal(), require_scope())
