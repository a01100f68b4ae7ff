"""The outbox, WebDAV transport to the centre, and sync bundles carried by hand."""
