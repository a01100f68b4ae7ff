"""Learners, visits, evidence mapped to criteria, judgements, coverage and search."""
