"""The benchmark corpus as a Hugo site that builds RSS feeds only (used by generate.py).

Same stories, same Markdown bodies, same front matter with Hugo's names for the keys it
knows (headline -> title, published -> date, updated -> lastmod) and the feedpub
sections as a taxonomy ``desks``, so a story listed in two sections is in both feeds,
as with feedpub. (``sections`` would clash with Hugo's own content sections.)

What Hugo builds, and nothing else:
  public/index.xml               the whole site (feedpub's output/rss.xml)
  public/desks/<slug>/index.xml  one per section (feedpub's output/<slug>/rss.xml)
Every other kind of page is disabled, and stories are listed but never rendered as
pages (``_build: render: never``). The RSS template carries the full story HTML, like
feedpub's feeds: with Hugo's stock template (a summary only) Hugo would do less work.
Limit: 50 items per feed (``[services.rss] limit``, read by the template).
"""

from __future__ import annotations

from pathlib import Path

HUGO_CONFIG = """\
baseURL = "https://feeds.fna.example/"
languageCode = "en"
title = "Farhang News Agency"
# RSS for the home page (the whole site) and for each section term; nothing else.
disableKinds = ["section", "taxonomy", "sitemap", "robotsTXT", "404"]
# Hugo 0.73 to 0.11x log an error for "taxonomy" above, although it means what we want.
ignoreErrors = ["error-disable-taxonomy"]
enableRobotsTXT = false
# The dates in the corpus are all in the past, but say it anyway.
buildFuture = true

[taxonomies]
  desk = "desks"

[outputs]
  home = ["RSS"]
  term = ["RSS"]
  page = ["HTML"]

[services.rss]
  limit = 50

# Stories are listed in the feeds but never written as pages of their own.
[[cascade]]
  [cascade._build]
    render = "never"
    list = "always"
  [cascade._target]
    kind = "page"
"""

# Full content in <description>, like feedpub; newest first (Hugo's default order for
# pages without weights is by date, descending).
RSS_TEMPLATE = """\
{{- $pages := .Pages -}}
{{- if .IsHome -}}{{- $pages = .Site.RegularPages -}}{{- end -}}
{{- $limit := .Site.Config.Services.RSS.Limit -}}
{{- $rfc822 := "Mon, 02 Jan 2006 15:04:05 -0700" -}}
{{- if ge $limit 1 -}}{{- $pages = $pages | first $limit -}}{{- end -}}
{{- printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\" standalone=\\"yes\\"?>" | safeHTML }}
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>{{ .Site.Title }}{{ if not .IsHome }} — {{ .Title }}{{ end }}</title>
    <link>https://www.fna.example/</link>
    <description>{{ .Site.Title }}</description>
    <language>{{ .Site.LanguageCode }}</language>
    {{- with index $pages 0 }}
    <lastBuildDate>{{ .Lastmod.Format $rfc822 | safeHTML }}</lastBuildDate>
    {{- end }}
    {{- with .OutputFormats.Get "RSS" }}
    {{ printf "<atom:link href=%q rel=\\"self\\" type=%q />" .Permalink .MediaType | safeHTML }}
    {{- end }}
    {{- range $pages }}
    <item>
      <title>{{ .Title }}</title>
      <link>{{ .Params.storyurl }}</link>
      <pubDate>{{ .Date.Format $rfc822 | safeHTML }}</pubDate>
      <guid isPermaLink="false">tag:fna.example,2026:{{ .Params.id }}</guid>
      {{- range .Params.byline }}
      <author>{{ . }}</author>
      {{- end }}
      {{- range .Params.desks }}
      <category>{{ . }}</category>
      {{- end }}
      {{- with .Params.image }}
      <enclosure url="{{ .url }}" length="{{ .length }}" type="{{ .type }}" />
      {{- end }}
      <description>{{ .Content | html }}</description>
    </item>
    {{- end }}
  </channel>
</rss>
"""

RENAMED = {"headline: ": "title: ", "published: ": "date: ", "updated: ": "lastmod: ",
           "sections: ": "desks: "}  # fmt: skip


class HugoSite:
    """Writes hugo.toml, the RSS template and one content file per story into ``root``."""

    def __init__(self, root: Path, sections: list[tuple[str, str, str]]) -> None:
        self.root = root
        self.content = root / "content"
        self.made: set[Path] = set()
        (root / "layouts" / "_default").mkdir(parents=True, exist_ok=True)
        self.content.mkdir(parents=True, exist_ok=True)
        (root / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
        (root / "layouts" / "_default" / "rss.xml").write_text(RSS_TEMPLATE, encoding="utf-8")
        # Term pages carry the section's title, as feedpub's section feeds do.
        for slug, title, description in sections:
            term = self.content / "desks" / slug
            term.mkdir(parents=True, exist_ok=True)
            (term / "_index.md").write_text(
                f"---\ntitle: {title}\ndescription: {description}\n---\n", encoding="utf-8"
            )

    def add(self, record: dict, front: list[str], body: str) -> None:
        lines = []
        for line in front:
            for old, new in RENAMED.items():
                if line.startswith(old):
                    line = new + line[len(old) :]
                    break
            lines.append(line)
        lines.append(f"storyurl: https://www.fna.example/{record['sections'][0]}/{record['id']}")
        folder = self.content / record["sections"][0] / f"{record['published']:%Y}"
        if folder not in self.made:
            folder.mkdir(parents=True, exist_ok=True)
            self.made.add(folder)
        text = "---\n" + "\n".join(lines) + "\n---\n" + body
        (folder / f"{record['id']}.md").write_text(text, encoding="utf-8")

    def finish(self) -> None:
        pass
