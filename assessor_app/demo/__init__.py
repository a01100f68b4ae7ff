"""A demo learner with evidence on the bundled units and one unit signed off, for new users."""
