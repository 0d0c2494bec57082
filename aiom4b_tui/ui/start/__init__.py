"""The app's start: the garbage collector held until the first frame is drawn, the
stylesheets found (the dialogs' read later), and the job store opened in a thread once
that frame is up."""
