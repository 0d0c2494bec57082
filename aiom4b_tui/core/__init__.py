"""Everything that is not the screen: database, scanning, planning, ffmpeg, queue.

Nothing in this package may import textual (tests/unit/test_import_hygiene.py checks).
"""
