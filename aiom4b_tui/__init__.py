"""aiom4b-tui: folders of audiobook audio files in, one chaptered, tagged .m4b per book out."""

__version__ = "0.1.0"
