"""filmsearch: full-text search for film articles."""
