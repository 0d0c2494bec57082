"""What a client does to the workers of a data dir without running one: the lock, a
detached start, worker ids."""
