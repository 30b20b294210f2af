"""Organisations: OPDs, partners, the council and the secretariat."""
