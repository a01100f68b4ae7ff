"""Awarding-body unit specification texts → structured unit specs → the local store."""
