"""Book metadata from the network (Audnexus, Open Library): providers, the HTTP client
and the service that merges their answers. Kept answers live in the store."""
