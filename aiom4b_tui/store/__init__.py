"""The jobs table of seed/DATABASE.md and what extends it: models, the SQLite or
PostgreSQL database and its migrations, `JobService` (the only writer of jobs), the
workers and queue state, the light read path and the lookup's answer cache."""
