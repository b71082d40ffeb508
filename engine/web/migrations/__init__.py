"""Alembic migrations of the web database, shipped inside the package (`fazhi db upgrade`)."""
