"""Folders in, one .m4b out: scan the sources, plan the book, encode it on every core,
write its MP4, chapters and tags, check it and place it. Knows no database, no settings
file and no screen: what a book needs comes in as arguments."""
