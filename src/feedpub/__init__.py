"""feedpub: a news agency's article records -> RSS 2.0, Atom 1.0 and JSON Feed 1.1.

The pipeline, one package per stage: ``load`` (files -> records) -> ``build``
(records -> bytes) -> ``publish`` (bytes -> places); ``cli`` sits on top.
"""

__version__ = "0.1.0"
