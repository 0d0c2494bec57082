"""Where chapters start and what they are called: one per file, the sources' own, a
chapter file, silences, the person's edits, split by a maximum length."""
