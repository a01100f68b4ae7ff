"""Learners' rights: everything held about one learner, exported readably or erased for good."""
