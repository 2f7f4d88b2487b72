#!/bin/sh
# Migrate as the owner, make sure the application role exists, sync tenants, then serve
# as the application role (RLS applies to it).
set -eu
if [ "${1:-serve}" = "serve" ]; then
  rammetal db upgrade
  if [ -n "${RAMMETAL_APP_ROLE_PASSWORD:-}" ]; then
    rammetal db create-app-role --role "${RAMMETAL_APP_ROLE:-rammetal_app}" --password "$RAMMETAL_APP_ROLE_PASSWORD"
  fi
  rammetal tenants sync
  [ "${RAMMETAL_LOAD_DEMO:-0}" = "1" ] && rammetal demo load
  exec rammetal serve --bind 0.0.0.0:8000 --workers "${RAMMETAL_WORKERS:-4}"
fi
exec rammetal "$@"
