"""The QueueRunner and its parts: claiming, one task per book, the periodic beat,
upkeep and recovery, the lease, and each book's recorded end."""
