"""Dialogs opened from the screens (learners, units, visits, sign-off, sync, first run)."""
