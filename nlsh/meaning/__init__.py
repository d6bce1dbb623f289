"""The faithfulness layer: a sentence read for everything it says, not only its intent.

``read(sentence, understand)`` returns the requests a sentence makes — corrections
applied, sequences split — each a ``Parse`` carrying its ``Operators`` (negation, question,
further targets, exclusions, limits, named caches), or a reply decided before any handler
(a negated order, words nlsh cannot account for). See ``docs/faithfulness.md``.
"""

from nlsh.meaning.reading import Request, read

__all__ = ["Request", "read"]
