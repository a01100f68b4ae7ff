"""Assessor companion: offline evidence recording and sign-off for vocational qualifications."""

__version__ = "0.1.0"
APP_NAME = "assessor-app"
APP_AUTHOR = "AssessorCompanion"
