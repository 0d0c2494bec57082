"""What a job asks of the engine: the options model and its checks, and how encoders
share the CPU. A leaf both the store and the engine read."""
