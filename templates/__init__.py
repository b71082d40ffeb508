"""Package data: the built-in Jinja templates (found through fazhi.resources). This file makes the folder importable as fazhi.templates in both a wheel and an editable install."""
