"""The jobs pane: the panel (the table, its columns and cells, the filter line), the feed
that reads the jobs and their changes from the database, and what the job keys do (the
actions the main screen routes, the commands they run)."""
