"""Settings: where the data lives, the config file and its writer, the app's two-step
settings, and a bad setting told in one sentence. Below every room but the shared leaves."""
