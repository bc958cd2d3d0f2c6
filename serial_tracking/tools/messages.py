"""Sentences kept as a code and parameters, so that Odoo can say them in the user's language.

An error or problem of the core does not carry a finished sentence: it carries a
:class:`Message`, the key of a sentence in :data:`SENTENCES` and the values it names.
``str()`` renders it in English, for logs and the core's own tests; the Odoo side keeps
a translatable copy of every sentence (``models/tools_messages.py``; a test keeps both the
same) and renders the message in the reader's language.

A parameter may itself be a message (a check-digit problem inside a range problem); a
parameter named in :data:`LABELS` is a code of a vocabulary, rendered as its label (a list
of codes as their labels, separated by commas).
"""

from dataclasses import dataclass, field

#: sentence key -> English sentence; each module of the core adds its own (``register``)
SENTENCES = {}
#: parameter name -> {code: English label}
LABELS = {}


def register(sentences, labels=None):
    """Add a module's sentences (and labelled parameters) to the catalogue."""
    for key in sentences:
        if key in SENTENCES and SENTENCES[key] != sentences[key]:
            raise ValueError(f"sentence {key!r} is registered twice")
    SENTENCES.update(sentences)
    for name, table in (labels or {}).items():
        LABELS.setdefault(name, {}).update(table)


@dataclass(frozen=True)
class Message:
    """One sentence: its key in :data:`SENTENCES` and its parameters."""

    code: str
    params: dict = field(default_factory=dict, hash=False, compare=False)

    def __str__(self):
        return render(self)


def message_of(value):
    """The :class:`Message` that ``value`` carries, or ``None``."""
    if isinstance(value, Message):
        return value
    return getattr(value, "coded_message", None)


def render(message, sentences=None, labels=None):
    """The sentence of ``message``; ``sentences`` and ``labels`` default to English.

    ``sentences`` may be a callable ``key -> sentence`` (to translate on demand).
    """
    sentences = sentences or SENTENCES
    labels = LABELS if labels is None else labels
    values = {}
    for name, value in message.params.items():
        inner = message_of(value)
        if inner is not None:
            value = render(inner, sentences, labels)
        elif name in labels and isinstance(value, str):
            value = labels[name].get(value, value)
        elif name in labels and isinstance(value, (list, tuple)):
            value = ", ".join(labels[name].get(item, item) for item in value)
        values[name] = value
    template = sentences(message.code) if callable(sentences) else sentences[message.code]
    return template % values


class CodedError(ValueError):
    """A ValueError whose text is a :class:`Message`; ``str()`` is its English sentence.

    ``code`` and ``params`` say what is wrong (``problem``); ``coded_message`` is the
    whole sentence, which a subclass may frame with where it is wrong (``_framed``).
    """

    def __init__(self, code, **params):
        self.problem = Message(code, params)
        self.coded_message = self._framed(self.problem)
        super().__init__(render(self.coded_message))

    def _framed(self, problem):
        return problem

    @property
    def code(self):
        return self.problem.code

    @property
    def params(self):
        return self.problem.params
