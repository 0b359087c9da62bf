"""Serving machinery apart from the pages: the waitress server, gunicorn workers, connection balance."""
