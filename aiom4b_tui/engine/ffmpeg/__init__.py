"""Running ffmpeg: finding it, its encoders, one child process at a time with progress,
killed on cancel, in the background CPU class, on a pool of slots."""
