"""Sync tests get the real WebDAV server fixture and helpers that file small signed ERS PDFs."""

from tests.webdav_server import dav_server  # noqa: F401 - a fixture, used by name
