"""Text utilities: Arabic normalisation, sentence splitting, numbers, language id, cleaning."""
