"""Configuration: explicit values over environment variables over defaults.

The CLI loads ``.env`` into the environment first (it is the only place that does); the library
reads the environment only when asked (``Settings.from_env``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from extract.errors import ConfigError

MODES = ("json_schema", "gbnf", "tools", "json", "md_json")
LLAMA_CPP_PORT = 8080  # llama-server's default port, where `extract local-server` serves
LOCAL_BASE_URL = f"http://127.0.0.1:{LLAMA_CPP_PORT}/v1"
LOCAL_MODEL = "qwen2.5-coder-1.5b-instruct-q4_k_m"

# field name -> environment variable
ENV = {
    "api_key": "OPENAI_API_KEY",
    "base_url": "OPENAI_BASE_URL",
    "model": "EXTRACT_MODEL",
    "mode": "EXTRACT_MODE",
    "strategy": "EXTRACT_STRATEGY",
    "max_reasks": "EXTRACT_MAX_REASKS",
    "max_retries": "EXTRACT_MAX_RETRIES",
    "timeout": "EXTRACT_TIMEOUT",
    "max_tokens": "EXTRACT_MAX_TOKENS",
    "temperature": "EXTRACT_TEMPERATURE",
    "concurrency": "EXTRACT_CONCURRENCY",
    "recordings": "EXTRACT_RECORDINGS",
    "retry_wait_max": "EXTRACT_RETRY_WAIT_MAX",
    "max_requests": "EXTRACT_MAX_REQUESTS",
    "token_budget": "EXTRACT_TOKEN_BUDGET",
}


@dataclass(frozen=True)
class Settings:
    """Everything that decides how articles are extracted.

    Attributes:
        api_key: Key for the endpoint; optional for local servers. Never logged or recorded.
        base_url: Any OpenAI-compatible endpoint (OpenAI, llama.cpp server, Ollama, vLLM).
        model: Model name sent to the endpoint.
        mode: How the answer's JSON schema reaches the endpoint: ``json_schema``
            (``response_format``; OpenAI, vLLM, Ollama, llama.cpp), ``gbnf`` (llama.cpp only:
            the schema as a GBNF grammar without line breaks, see ``extract.gbnf``), or the
            instructor modes ``tools``, ``json``, ``md_json``. ``auto`` (default) resolves
            when the settings are built: ``gbnf`` for a loopback endpoint on llama-server's
            port 8080 (``extract local-server``), ``json_schema`` otherwise.
        strategy: How the model is asked (see ``extract.strategies``). ``auto`` (default)
            resolves when the settings are built: ``staged`` for a server on this machine
            (small local models), ``single`` for a remote endpoint (strong hosted models).
        max_reasks: Validation re-asks after the first answer (grounding failures included).
        max_retries: Transport retries on 429, 5xx, timeouts and connection errors.
        timeout: Seconds for one HTTP request.
        max_tokens: Completion token cap per call.
        temperature: Sampling temperature (0 for reproducible recordings).
        concurrency: Articles in flight at once.
        recordings: Folder of recorded responses.
        cassette: ``None`` (live), ``"record"`` or ``"replay"``.
        retry_wait_max: Cap in seconds for one backoff or Retry-After wait.
        max_requests: Per-run budget of HTTP requests (retries included); ``None``: no limit.
            Checked before each article starts: articles in flight finish.
        token_budget: Per-run budget of tokens (prompt + completion, every attempt); ``None``:
            no limit. Checked like ``max_requests``.
    """

    api_key: str | None = field(default=None, repr=False)
    base_url: str = LOCAL_BASE_URL
    model: str = LOCAL_MODEL
    mode: str = "auto"
    strategy: str = "auto"
    max_reasks: int = 1
    max_retries: int = 4
    timeout: float = 600.0
    max_tokens: int = 2048
    temperature: float = 0.0
    concurrency: int = 1
    recordings: Path = Path("recordings")
    cassette: Literal["record", "replay"] | None = None
    retry_wait_max: float = 60.0
    max_requests: int | None = None
    token_budget: int | None = None

    def __post_init__(self) -> None:
        if self.strategy == "auto":
            object.__setattr__(self, "strategy", "staged" if self.is_local else "single")
        if self.mode == "auto":
            llama_cpp = self.is_local and urlsplit(self.base_url).port == LLAMA_CPP_PORT
            object.__setattr__(self, "mode", "gbnf" if llama_cpp else "json_schema")
        if self.mode not in MODES:
            choices = ", ".join(("auto", *MODES))
            raise ConfigError(f"unknown mode {self.mode!r}: choose one of {choices}")
        for name in ("max_reasks", "max_retries", "max_tokens", "concurrency"):
            if int(getattr(self, name)) < (1 if name in ("max_tokens", "concurrency") else 0):
                raise ConfigError(f"{name} must be a positive integer, not {getattr(self, name)}")
        if self.timeout <= 0:
            raise ConfigError(f"timeout must be positive, not {self.timeout}")
        if self.retry_wait_max < 0:
            raise ConfigError(f"retry_wait_max must be 0 or more, not {self.retry_wait_max}")
        for name in ("max_requests", "token_budget"):
            value = getattr(self, name)
            if value is not None and int(value) < 1:
                raise ConfigError(f"{name} must be a positive integer, not {value}")

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from environment variables (see ``.env.example``), then ``overrides``."""
        env = dict(os.environ if env is None else env)
        types = {f.name: f.type for f in fields(cls)}
        values: dict[str, Any] = {}
        for name, var in ENV.items():
            raw = env.get(var, "").strip()
            if not raw:
                continue
            kind = str(types[name]).removesuffix(" | None")
            try:
                if "int" in kind:
                    values[name] = int(raw)
                elif "float" in kind:
                    values[name] = float(raw)
                elif "Path" in kind:
                    values[name] = Path(raw)
                else:
                    values[name] = raw
            except ValueError:
                raise ConfigError(f"{var}={raw!r} is not a valid {kind}") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def is_local(self) -> bool:
        """True when the endpoint is on this machine (loopback or localhost)."""
        host = urlsplit(self.base_url).hostname or ""
        return host in ("localhost", "::1") or host.startswith("127.")

    @property
    def secrets(self) -> list[str]:
        """Values that must never be written anywhere: the key, a password in ``base_url``."""
        found = [self.api_key, urlsplit(self.base_url).password]
        return [s for s in found if s]

    @property
    def public_base_url(self) -> str:
        """``base_url`` without any credentials embedded in it."""
        parts = urlsplit(self.base_url)
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
