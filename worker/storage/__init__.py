"""storage: the public Postgres schema (models), sessions, and the helpers each task uses to
store its stage's result. Helpers flush; the task commits."""
