"""Accounts, roles, RT/RW office terms, one-time links and personal API tokens."""
