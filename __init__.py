"""tandem: run sales-marketing alignment meetings and shadow days from the terminal."""

__version__ = "0.1.0"
