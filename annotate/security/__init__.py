"""Account security: who a request comes from, the sign-in lockout page, and what a password
change does to the user's API token. The lockout itself is django-axes (config/settings.py)."""
