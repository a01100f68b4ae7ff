"""Plumbing shared by every screen: background workers, autosave, undo, theme and icons,
user-facing messages and the per-laptop settings."""
