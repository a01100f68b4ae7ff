"""Sign-off: signatures, awarding-body rules, content hashes, audit trail and the assessor's keys."""
