"""An assignment's instructions: Markdown written by a teacher, rendered to HTML safe to show students.

markdown-it-py's `js-default` preset has raw HTML disabled (any tag in the text is shown as text)
and refuses `javascript:`, `vbscript:`, `file:` and non-image `data:` links, so the HTML it
returns can be put into a page as it is. Rendering happens here, once, so every page shows the
same thing.
"""

from functools import cache

from markdown_it import MarkdownIt


@cache
def _renderer() -> MarkdownIt:
    return MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})


def render(markdown: str) -> str:
    return _renderer().render(markdown) if markdown else ""
