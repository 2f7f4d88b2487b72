"""Rammeaftaler, organisations (tenants) and the målgruppe catalogue."""
