"""dashboard/page_queries.json (what each page asks for, read by the pre-warm and the prefetch) is
in step with the pages: exactly what `python3 -m scripts.page_queries` records from them."""

from datetime import date

import pytest

from dashboard import cache, page_queries
from scripts import page_queries as script


def test_the_manifest_is_in_step_with_the_pages():
    recorded = script.render(script.record())
    assert page_queries.MANIFEST.read_text(encoding="utf-8") == recorded, (
        f"dashboard/page_queries.json is out of step with the pages: run `{script.COMMAND}`"
    )


def test_every_page_has_its_calls_and_each_resolves_to_a_query():
    pages = page_queries.load()
    assert list(pages) == [path for _file, path in script.pages()]
    for path, calls in pages.items():
        assert calls, path
        for function, args, _kwargs in calls:
            assert function.__module__.startswith("queries."), (path, function)
            assert cache.THIS_PERIOD in args or cache.COMPARED in args or cache.DATA_DATE in args or not args, path
    # the overview asks for the inspection headline of the period and of the comparison period
    names = [(f"{f.__module__}.{f.__qualname__}", args) for f, args, _ in pages["overview"]]
    assert ("queries.inspections.headline", (cache.THIS_PERIOD,)) in names
    assert ("queries.inspections.headline", (cache.COMPARED,)) in names


def test_values_survive_the_file():
    for value in (None, True, 0, 1.5, "abnormal", (), ("company", "farmer"), date(2026, 11, 22), (date(2026, 1, 1), 2)):
        assert page_queries.decode(page_queries.encode(value)) == value
        assert type(page_queries.decode(page_queries.encode(value))) is type(value)
    with pytest.raises(TypeError):
        page_queries.encode(object())
