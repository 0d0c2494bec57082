"""The queue table and what acts on it: columns and cells, the filter, the changes read
from the database, the job commands."""
