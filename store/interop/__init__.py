"""Standard files other programs read: an iCalendar calendar (``ics``), todo.txt lines and
Taskwarrior JSON (``tasks``), and the facts behind ``tandem status`` (``status``). tandem
sends nothing itself: these are files and lines for calendars, task tools and prompts."""
