"""The lead's progress view of a corpus (admins, and the corpus's reviewers)."""
