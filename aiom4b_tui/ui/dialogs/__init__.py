"""Small modal screens the rest of the UI pushes: confirm, prompt, help, pause, output
folder and output-exists questions."""
