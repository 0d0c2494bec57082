"""The book's audio: the timeline of samples, cut into segments encoded on every core and
spliced gaplessly (or joined without re-encoding), muxed in book order."""
