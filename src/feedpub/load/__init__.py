"""Files -> records. Reads feedpub.yaml, articles/sections.yaml and the article records."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from feedpub.errors import ConfigError, Problem
from feedpub.load.articles import LoadedArticles, load_articles
from feedpub.load.config import load_config
from feedpub.load.recordfile import read_body
from feedpub.load.sections import load_sections
from feedpub.model import Site

SECTIONS_FILE = "sections.yaml"

__all__ = ["LoadedArticles", "load_articles", "load_site", "read_body"]


def load_site(config_path: Path, articles_dir: Path) -> Site:
    """The site with its sections; raises ConfigError when either file is wrong."""
    site = load_config(config_path)
    if not articles_dir.is_dir():
        reason = "is not a folder" if articles_dir.exists() else "no such folder"
        hint = "Pass the folder of the records with --articles"
        raise ConfigError([Problem(str(articles_dir), None, None, reason, hint)])
    sections = load_sections(articles_dir / SECTIONS_FILE)
    return dataclasses.replace(site, sections=sections)
