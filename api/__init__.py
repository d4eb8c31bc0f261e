"""The read API for consumers: FastAPI over the public schema."""
