"""Persistence: engine and session, declarative base, tenant scoping, RLS helpers."""
