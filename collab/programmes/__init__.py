"""Keroyokan programmes: many owners (OPDs and partners) carrying one programme together."""
