"""SYNTHETIC server replies for failure-path tests. Not recordings: never copy these into
``recordings/``. Real model answers live only in ``recordings/``, captured by ``--record``."""

from __future__ import annotations

import json
from typing import Any

import httpx2


def completion(content: dict[str, Any] | str, *, finish_reason: str = "stop") -> dict[str, Any]:
    """A minimal OpenAI chat-completion body carrying ``content``."""
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    return {
        "id": "synthetic-1",
        "object": "chat.completion",
        "created": 0,
        "model": "synthetic",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": finish_reason,
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }


def answer(**records: Any) -> dict[str, Any]:
    """A SingleAnswer body with empty lists unless given."""
    base: dict[str, Any] = {
        "language": "fr",
        "meetings": [],
        "agreements": [],
        "quotes": [],
        "commitments": [],
    }
    base.update(records)
    return base


class Scripted:
    """A MockTransport handler that plays a list of replies in order and counts requests.

    Each reply is an ``httpx2.Response``, a dict (sent as a 200 JSON body) or an exception
    instance (raised, as a network failure would be).
    """

    def __init__(self, replies: list[Any]):
        self.replies = list(replies)
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if not self.replies:
            raise AssertionError("more requests than scripted replies")
        reply = self.replies.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        if isinstance(reply, httpx2.Response):
            return reply
        return httpx2.Response(200, json=reply)

    def transport(self) -> httpx2.MockTransport:
        return httpx2.MockTransport(self)
