"""Minutes: rendering a meeting to Markdown, reading minutes back, exporting them to a folder."""
