"""Frozen-app entry point for PyInstaller (the console script is used everywhere else)."""

from assessor_app.cli import main

raise SystemExit(main())
