"""The work folder beside the output: its manifest and ledger (resume or start over),
what an interrupted encode left, the modes of the files made."""
