"""Feed bytes -> a place where readers fetch them. ``local`` writes the output folder."""
