"""The database itself: SQLite (WAL) or PostgreSQL, opened and migrated, its URL, and
its failures told in one sentence."""
