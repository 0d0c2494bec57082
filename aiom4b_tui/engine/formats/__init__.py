"""Audio bitstreams read without a decoder: ADTS frames, the AAC config, MP3 frame
headers and the LAME tag."""
