"""The read-only review of past meetings: its model, built from a workspace or from a folder of minutes, and its search."""
