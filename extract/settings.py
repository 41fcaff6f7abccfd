"""Configuration: explicit values over environment variables over defaults.

The CLI loads ``.env`` into the environment first (it is the only place that does); the library
reads the environment only when asked (``Settings.from_env``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from extract.errors import ConfigError

MODES = ("json_schema", "gbnf", "tools", "json", "md_json")
STRATEGY_NAMES = ("single", "staged", "candidates", "staged-raw")  # = extract.strategies
CASSETTES = ("record", "replay", "fill")
PUBLIC_QUERY = frozenset({"api-version"})  # query parameters that are not secrets (Azure)
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
    "cassette": "EXTRACT_CASSETTE",
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
            the schema as a GBNF grammar without line breaks, see ``extract.llm.gbnf``), or the
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
        concurrency: Requests in flight at once (and articles started at once): the
            questions of one article go in parallel up to this bound.
        recordings: Folder of recorded responses (a relative path is read from the current
            directory); ``str`` or ``Path``.
        cassette: ``None`` (live), ``"record"`` (live, every response saved under
            ``recordings``), ``"replay"`` (answers from ``recordings`` only, no network) or
            ``"fill"`` (answers from ``recordings`` where they exist, the others live and saved:
            a re-recording after a change pays only for the requests that changed).
            Environment: ``EXTRACT_CASSETTE``. Anything else is a ``ConfigError``.
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
    cassette: Literal["record", "replay", "fill"] | None = None
    retry_wait_max: float = 60.0
    max_requests: int | None = None
    token_budget: int | None = None

    def __post_init__(self) -> None:
        _check_base_url(self.base_url)
        if self.cassette not in (None, *CASSETTES):
            raise ConfigError(
                f"unknown cassette {self.cassette!r}: choose 'replay', 'record', 'fill' or "
                "None (live) (EXTRACT_CASSETTE)"
            )
        object.__setattr__(self, "recordings", Path(self.recordings))
        if self.strategy == "auto":
            object.__setattr__(self, "strategy", "staged" if self.is_local else "single")
        if self.mode == "auto":
            llama_cpp = self.is_local and urlsplit(self.base_url).port == LLAMA_CPP_PORT
            object.__setattr__(self, "mode", "gbnf" if llama_cpp else "json_schema")
        if self.mode not in MODES:
            choices = ", ".join(("auto", *MODES))
            raise ConfigError(f"unknown mode {self.mode!r}: choose one of {choices}")
        if self.strategy not in STRATEGY_NAMES:
            choices = ", ".join(("auto", *STRATEGY_NAMES))
            raise ConfigError(f"unknown strategy {self.strategy!r}: choose one of {choices}")
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
        """Values that must never be written anywhere: the key, the base URL's query values."""
        found = [self.api_key, *(v for k, v in self.query if k.lower() not in PUBLIC_QUERY)]
        return [s for s in found if s]

    @property
    def query(self) -> list[tuple[str, str]]:
        """The base URL's query parameters (``?api-key=…`` of Azure-style endpoints)."""
        return parse_qsl(urlsplit(self.base_url).query, keep_blank_values=True)

    @property
    def api_base_url(self) -> str:
        """``base_url`` without its query: the SDK appends paths, the query goes on each request."""
        parts = urlsplit(self.base_url)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))

    @property
    def public_base_url(self) -> str:
        """``base_url`` without any credentials embedded in it."""
        parts = urlsplit(self.base_url)
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _check_base_url(url: str) -> None:
    """Refuse a base URL that cannot work, or would leak credentials; never quotes the URL."""
    fix = "give one like http://127.0.0.1:8080/v1 (--base-url or OPENAI_BASE_URL)"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError as exc:
        raise ConfigError(f"the base URL is malformed ({exc}): {fix}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"the base URL needs http:// or https:// and a host: {fix}")
    if parts.username is not None or parts.password is not None:
        raise ConfigError(
            "the base URL holds credentials (user:password@), which would be sent instead of "
            "the API key: remove them and put the key in OPENAI_API_KEY"
        )
