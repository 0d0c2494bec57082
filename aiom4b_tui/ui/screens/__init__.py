"""The app's full screens: the main screen that composes the rooms and routes their
messages, a job's details, the lookup."""
