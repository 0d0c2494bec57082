"""The main screen's own widgets: the folder picker and its pane, the header line, the
key bar and the log."""
