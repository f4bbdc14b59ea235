"""What the bytes of every feed depend on beyond its stories: feedpub's own code, the
libraries that render them, and the site's settings. A feed's digest includes it, so an
upgrade or a changed setting renders every feed again, and a warm build always equals a
cold one.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os

from feedpub import __version__
from feedpub.model import Site


def site_material(site: Site) -> str:
    """What every feed's bytes depend on beyond its stories: feedpub's version, those of
    the libraries that shape the bytes (an upgrade renders every feed again, so a warm
    build always equals a cold one) and the site's settings."""
    return f"{renderer_versions()}\n{site!r}"


RENDERERS = {"feedgen": "feedgen", "lxml": "lxml", "markdown-it-py": "markdown_it", "nh3": "nh3"}


@functools.cache
def renderer_versions() -> str:
    import importlib.metadata  # slow to import: only full runs need it

    versions = [f"feedpub {__version__} {own_files()}"]
    for name in RENDERERS:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} ?")
    return ", ".join(versions)


@functools.cache
def own_files() -> str:
    """A digest of feedpub's own modules: a change to the code (a checkout, an editable
    install) renders every feed again, as an upgrade does, even without a new version."""
    package = os.path.dirname(os.path.abspath(__file__ + "/.."))
    found = []
    for folder, _, names in os.walk(package):
        for name in sorted(names):
            if name.endswith(".py"):
                info = os.stat(os.path.join(folder, name))
                found.append(f"{folder[len(package) :]}/{name} {info.st_size} {info.st_mtime_ns}")
    return hashlib.sha256("\n".join(sorted(found)).encode()).hexdigest()[:16]


@functools.cache
def renderer_files() -> str:
    """Where feedpub and the rendering libraries are installed, and when: any upgrade or
    reinstall changes it. Cheaper than renderer_versions, for a run that only asks
    whether anything changed."""
    stamps = [f"feedpub {__version__} {own_files()}"]
    for module in RENDERERS.values():
        spec = importlib.util.find_spec(module)
        origin = spec.origin if spec is not None else None
        try:
            info = os.stat(origin or "")
        except OSError:
            stamps.append(f"{module} ?")
            continue
        stamps.append(f"{origin} {info.st_size}:{info.st_mtime_ns}:{info.st_ino}")
    return ", ".join(stamps)
