"""Users, roles, passwords, bearer tokens and the request principal."""
