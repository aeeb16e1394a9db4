"""The command line: one module per command group. Nothing here imports Textual at import time."""
