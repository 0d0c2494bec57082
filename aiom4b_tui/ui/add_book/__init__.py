"""The add dialog: the plan of a book-to-be shown before it is queued, its tags, chapters
and cover edited, the lookup's answers used."""
