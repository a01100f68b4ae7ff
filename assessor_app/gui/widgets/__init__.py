"""Reusable widgets (criteria picker, chips, attachments, Q/A table, signature pad)."""
