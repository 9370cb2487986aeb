"""Learner data: SQLAlchemy tables, migrations and repositories (SQLite or PostgreSQL)."""
