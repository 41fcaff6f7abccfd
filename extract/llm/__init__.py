"""Everything that talks to a model: the client with retries and budgets (``backend``), record
and replay transports (``recording``), JSON-schema-to-GBNF grammars (``gbnf``) and the local
llama.cpp server (``localserver``). The only package that imports openai and instructor."""
