"""The TUI's hold on the queue's workers (start, pause, stop, the inbox they watch) and the
header's words for them."""
