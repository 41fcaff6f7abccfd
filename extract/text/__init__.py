"""Language knowledge and grounding: pure functions, tested per language without a model.

- ``profiles``: small per-language profiles (en fr de es it) of the closed word classes rules
  need; a language without one gets no language rules (``NEUTRAL``), never another's;
- ``language``: the article's language (py3langid); ``sentences``: spans (pysbd);
- ``quotes``: passages between quotation marks of any language; ``candidates``: quote
  candidates and their attribution; ``people``: names of people and companies;
- ``hints``: sentences that may state a record; ``dates``: date expressions (CLDR) resolved
  against the publication date; ``countries``: country names (CLDR);
- ``grounding``: a model's text found in the article, offsets into the original characters;
  ``named``: is a name one the article gives.
"""
