"""The MP4 container, byte by byte where ffmpeg and mutagen do not reach: boxes, the
chapter track, the edit list, priming, the ADTS-to-MP4 writer, tags."""
