"""Fixtures for the vault, learner-rights and backup tests."""

from tests.webdav_server import dav_server  # noqa: F401 - a real WsgiDAV server fixture
