"""Article -> Entry: every per-story value resolved once, for all three formats."""

from __future__ import annotations

import dataclasses
import html

from feedpub.build.render import (
    compose_content,
    first_paragraph_text,
    plain_text,
    render_body,
    render_dateline,
    render_withdrawal,
)
from feedpub.model import Article, Category, Entry, Person, Site


def article_url(article: Article, site: Site) -> str:
    """The story's page: its own ``url``, else the site URL, first section and id."""
    return article.url or f"{site.url}{article.sections[0]}/{article.id}"


def entry_id(article: Article, site: Site) -> str:
    # Built from the record id alone, so it survives any change of headline or URL.
    return site.id_prefix + article.id


def make_entry(article: Article, site: Site, body: str | None = None) -> Entry:
    """``body`` is the record's Markdown when the article was loaded without it."""
    url = article_url(article, site)
    body_html = render_body(article.body if body is None else body, url)
    lead = article.lead if article.lead is not None else first_paragraph_text(body_html)
    return _entry(article, site, url, body_html, lead)


def _entry(article: Article, site: Site, url: str, body_html: str, lead: str) -> Entry:
    agency = site.find_agency(article.agency)
    updated = article.last_change()
    dateline_text = render_dateline(site.dateline_format, article.dateline, agency)
    return Entry(
        id=entry_id(article, site),
        url=url,
        title=article.headline,
        # A body that sanitises to nothing still gets a summary: readers need some text.
        summary=article.summary or lead or article.headline,
        content_html=compose_content(
            body_html, dateline_text, article.image, article.language, article.correction
        ),
        published=article.publication(),
        updated=updated,
        modified=updated is article.updated,
        # A story without a byline is credited to the agency that filed it, never to
        # the publishing agency by inheritance from the feed.
        authors=tuple(Person(name=name) for name in article.byline)
        or (Person(name=agency.name, url=agency.url),),
        agency=agency,
        wire=agency.abbreviation != site.agency,
        rights=agency.rights,
        dateline=article.dateline,
        dateline_text=dateline_text,
        categories=_categories(article, site),
        image=article.image,
        language=article.language,
    )


def _categories(article: Article, site: Site) -> tuple[Category, ...]:
    titles = {section.slug: section.title for section in site.sections}
    sections = tuple(
        Category(term=slug, label=titles[slug], scheme=f"{site.url}sections")
        for slug in article.sections
    )
    tags = tuple(Category(term=tag, label=tag, scheme=f"{site.url}tags") for tag in article.tags)
    return sections + tags


def make_withdrawal_notice(article: Article, site: Site) -> Entry:
    """What replaces a withdrawn story: the same id, so readers that track ids replace
    the story in place, a title and text saying it was withdrawn, and nothing of the
    story itself (no body, no photo)."""
    entry = make_entry(dataclasses.replace(article, image=None, correction=None), site, body="")
    notice = render_withdrawal(entry.agency, article.withdrawal_note)
    return dataclasses.replace(
        entry,
        title=f"Withdrawn: {article.headline}",
        summary=plain_text(notice),
        content_html=compose_content(notice, entry.dateline_text, None, article.language, None),
        updated=article.withdrawn or entry.updated,
        modified=True,
        image=None,
    )


def make_archive_entry(article: Article, site: Site, lead: str) -> Entry:
    """A story as an archive document shows it: dateline and summary (or ``lead``, the
    body's first paragraph as text), the photo and every attribution, but not the whole
    text, which is at the story's link. No Markdown is rendered, so a big archive
    stays cheap."""
    summary = article.summary or lead or article.headline
    return _entry(article, site, article_url(article, site), f"<p>{html.escape(summary)}</p>", lead)
