"""Hardening tests use the real WebDAV server fixture as the sync tests do."""

from tests.webdav_server import dav_server  # noqa: F401 - a fixture, used by name
