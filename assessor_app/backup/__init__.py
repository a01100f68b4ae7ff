"""Encrypted, incremental backups of the whole record to a folder or the centre's WebDAV store."""
