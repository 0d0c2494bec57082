"""The worker: claims jobs from the store, runs each through the engine, records how it
ended, resumes what was interrupted, watches the inbox. `control/` is the part a client
(the TUI, the verbs) touches: start a worker, its lock, pause, stop."""
