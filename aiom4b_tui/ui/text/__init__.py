"""Words and numbers as the screen shows them, and the screen read back as text."""
