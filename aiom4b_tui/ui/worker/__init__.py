"""The TUI's hold on the queue's workers (start, pause, stop) and the header's words for them."""
