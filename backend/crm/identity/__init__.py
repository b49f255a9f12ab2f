"""Identity: departments, users, roles, sessions (JWT + refresh tokens) and API keys."""
