"""The panes of the review screen's tabs."""
