"""User Markdown (incidents.markdown_render): safe HTML, and one converter reused per thread
without carrying anything from one text to the next."""

from __future__ import annotations

import threading

from incidents.presentation.markdown import render_markdown


def test_a_link_reference_defined_in_one_note_does_not_resolve_in_the_next():
    first = render_markdown("See [the log][log].\n\n[log]: https://example.com/log")
    second = render_markdown("See [the log][log].")
    assert 'href="https://example.com/log"' in first
    assert "href" not in second and "[the log][log]" in second


def test_a_fenced_block_does_not_leak_into_the_next_text():
    render_markdown("```\nsecret-looking block\n```")
    assert "secret-looking" not in render_markdown("plain words")


def test_script_and_event_handlers_are_removed():
    html = render_markdown('<script>alert(1)</script><img src=x onerror="alert(1)"> *ok*')
    assert "<script" not in html and "onerror" not in html and "<em>ok</em>" in html


def test_threads_each_convert_their_own_text():
    results: dict[int, str] = {}

    def convert(n: int) -> None:
        for _ in range(50):
            results[n] = render_markdown(f"note **{n}**")

    threads = [threading.Thread(target=convert, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {n: f"<p>note <strong>{n}</strong></p>" for n in range(4)}
