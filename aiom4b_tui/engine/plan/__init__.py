"""The book decided before any audio is touched: chapters, tags, cover, encoder and the
output path, from a scan and the job's options (pure data, no I/O but reading tags)."""
