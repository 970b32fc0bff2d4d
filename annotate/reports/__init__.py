"""Pages that report on a corpus for its reviewers and lead: the agreement figures."""
