"""Language knowledge, from libraries made for it (CLDR through babel) and small per-language
profiles: never from the development articles. Pure functions, tested per language."""
