"""The source files of a book: which are audio, probed in reading order, their tags,
and what the folder picker shows of a folder."""
