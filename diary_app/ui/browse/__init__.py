"""Browsing the diary: list, calendar, year in pixels, offline map, statistics and entry detail."""
