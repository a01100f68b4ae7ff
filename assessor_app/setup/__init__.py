"""The assessor's own details and first-run set-up (the same for the GUI wizard and the CLI)."""
