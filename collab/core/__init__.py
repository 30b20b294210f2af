"""Shared foundations: declarative base, domain errors, audit log, after-commit hooks."""
