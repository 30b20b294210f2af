"""Home pages: the public front page and a home per role."""
