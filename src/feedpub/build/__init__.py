"""Records -> feed bytes. Pure: no clock (``now`` is passed in), no I/O.

``select`` decides what every feed holds; ``rss``, ``atom`` and ``jsonfeed`` only write
that decision down, one module per format.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from feedpub.build.atom import atom_file
from feedpub.build.jsonfeed import jsonfeed_file
from feedpub.build.rss import rss_file
from feedpub.build.select import plan_feeds
from feedpub.model import Article, FeedFile, Site

SERIALISERS = (rss_file, atom_file, jsonfeed_file)


def build_feeds(
    site: Site,
    articles: Iterable[Article],
    now: datetime,
    read_body: Callable[[Article], str] = lambda article: article.body,
) -> tuple[FeedFile, ...]:
    """Every file of the site: per feed (combined, then sections) RSS, Atom, JSON Feed.
    ``read_body`` is the only I/O, injected: the loader's, for loaded records."""
    return tuple(
        serialise(feed, site.feeds_url)
        for feed in plan_feeds(site, articles, now, read_body)
        for serialise in SERIALISERS
    )
