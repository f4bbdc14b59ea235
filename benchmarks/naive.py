"""The obvious way to do feedpub's job, as a baseline for the benchmark.

    python benchmarks/naive.py CONFIG ARTICLES_DIR OUTPUT_DIR

PyYAML (its C loader when libyaml is there) for the front matter, markdown-it-py for the
bodies, feedgen for RSS 2.0 and Atom 1.0, json for JSON Feed 1.1. Every run reads every
record, renders every body and writes every file: no validation beyond what the
libraries do, no sanitising, no cache, no "only write what changed".
"""

import json
import sys
from pathlib import Path

import yaml
from feedgen.feed import FeedGenerator  # noqa: TID251  (the baseline uses it directly)
from markdown_it import MarkdownIt

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # safe loaders both


def read_stories(articles: Path) -> list[dict]:
    markdown = MarkdownIt("commonmark").enable("table")
    stories = []
    for path in sorted(articles.rglob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        story = yaml.load(front, Loader=Loader)  # noqa: S506
        dateline = f"{story['dateline']['city'].upper()} ({story.get('agency', 'FNA')}) – "
        story["html"] = markdown.render(dateline + body)
        stories.append(story)
    return stories


def write_feeds(config: dict, slug: str, title: str, stories: list[dict], out: Path) -> None:
    site, feeds = config["url"], config["feeds_url"] + (f"{slug}/" if slug else "")
    fg = FeedGenerator()
    fg.id(f"{config['id_prefix']}{slug or 'all'}")
    fg.title(title)
    fg.link(href=feeds + "atom.xml", rel="self")
    fg.link(href=site, rel="alternate")  # RSS <link> is the last one given
    fg.description(config.get("description", title))
    fg.language(config.get("language", "en"))
    fg.author({"name": config["title"], "uri": site})
    fg.rights(config.get("copyright", ""))
    if stories:
        fg.updated(max(s.get("updated", s["published"]) for s in stories))
    items = []
    for story in stories:
        url = f"{site}{story['sections'][0]}/{story['id']}"
        entry = fg.add_entry(order="append")
        entry.id(f"{config['id_prefix']}{story['id']}")
        entry.guid(f"{config['id_prefix']}{story['id']}", permalink=False)
        entry.title(story["headline"])
        entry.link(href=url)
        entry.published(story["published"])
        entry.updated(story.get("updated", story["published"]))
        entry.content(story["html"], type="CDATA")
        entry.description(story.get("summary") or story["headline"])
        for name in story.get("byline", []):
            entry.author({"name": name})
        for section in story["sections"]:
            entry.category(term=section)
        if "image" in story:
            image = story["image"]
            entry.enclosure(image["url"], str(image.get("length", 0)), image.get("type"))
        items.append({"id": f"{config['id_prefix']}{story['id']}", "url": url,
                      "title": story["headline"], "content_html": story["html"],
                      "date_published": story["published"].isoformat(),
                      "tags": story["sections"] + story.get("tags", [])})  # fmt: skip
    folder = out / slug
    folder.mkdir(parents=True, exist_ok=True)
    fg.rss_file(str(folder / "rss.xml"), pretty=True)
    fg.atom_file(str(folder / "atom.xml"), pretty=True)
    document = {"version": "https://jsonfeed.org/version/1.1", "title": title,
                "home_page_url": site, "feed_url": feeds + "feed.json", "items": items}  # fmt: skip
    (folder / "feed.json").write_text(json.dumps(document, indent=2, ensure_ascii=False))


def main() -> None:
    config_path, articles, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    config = yaml.load(config_path.read_text(encoding="utf-8"), Loader=Loader)  # noqa: S506
    sections_text = (articles / "sections.yaml").read_text(encoding="utf-8")
    sections = yaml.load(sections_text, Loader=Loader)  # noqa: S506
    stories = read_stories(articles)
    stories.sort(key=lambda s: (s["published"], s["id"]), reverse=True)
    limit = config.get("items_per_feed", 50)
    write_feeds(config, "", config["title"], stories[:limit], out)
    for section in sections["sections"]:
        chosen = [s for s in stories if section["slug"] in s["sections"]][:limit]
        title = f"{config['title']} — {section['title']}"
        write_feeds(config, section["slug"], title, chosen, out)


if __name__ == "__main__":
    main()
