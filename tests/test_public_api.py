"""The library surface other services import."""

from __future__ import annotations

import inspect

import pytest

import extract
from extract import errors


def test_all_is_sorted_and_complete() -> None:
    assert extract.__all__ == sorted(extract.__all__)
    public = {n for n in dir(extract) if not n.startswith("_") and n not in {"annotations"}}
    modules = {n for n in public if inspect.ismodule(getattr(extract, n))}
    assert public - modules == set(extract.__all__) - {"__version__"}


def test_every_error_derives_from_one_root() -> None:
    classes = [
        c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, Exception)
    ]
    assert len(classes) >= 6
    assert all(issubclass(c, extract.ExtractError) for c in classes)


def test_functions_take_keyword_only_options() -> None:
    for fn in (extract.extract_article, extract.aextract_article):
        params = inspect.signature(fn).parameters
        assert [p for p in params if params[p].kind is not inspect.Parameter.KEYWORD_ONLY] == [
            "text"
        ]
    assert inspect.iscoroutinefunction(extract.aextract_article)


def test_bad_settings_raise_config_error() -> None:
    with pytest.raises(extract.ConfigError, match="unknown mode"):
        extract.Settings(mode="xml")
    with pytest.raises(extract.ConfigError, match="EXTRACT_MAX_REASKS"):
        extract.Settings.from_env({"EXTRACT_MAX_REASKS": "many"})


def test_empty_text_is_an_input_error_before_any_call() -> None:
    settings = extract.Settings(base_url="http://127.0.0.1:9/v1", max_retries=0)
    with pytest.raises(extract.InputError, match="empty article"):
        extract.extract_article("", article_id="x", settings=settings)


def test_openai_needs_a_key_and_says_how_to_fix_it() -> None:
    settings = extract.Settings(base_url="https://api.openai.com/v1", model="gpt-4o-mini")
    with pytest.raises(extract.ConfigError, match="OPENAI_API_KEY"):
        extract.extract_article("Un texte.", settings=settings)


def test_py_typed_ships() -> None:
    from importlib.resources import files

    assert files("extract").joinpath("py.typed").is_file()
