"""Splits English news into sentences and tags its entities: the article-analyzer core, from Python.

Every analysis is the CLI's JSON as Python values, keys in the CLI's order, so that
``json.dumps(analysis, ensure_ascii=False, separators=(",", ":"))`` is the CLI's output byte for byte.
Offsets are UTF-16 code units, as the CLI and JavaScript count; Python indexes a ``str`` by code
point, and ``to_code_points(analysis, text)`` converts (they differ only after a character outside
the Basic Multilingual Plane, such as an emoji).

The TypedDicts below exist for type checkers only: import them under ``typing.TYPE_CHECKING``.
"""

from typing import Iterable, List, Literal, Optional, Sequence, Tuple, TypedDict

from typing_extensions import NotRequired

__version__: str

Label = Literal["PERSON", "ORG", "LOC", "MISC", "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY"]

LABELS: Tuple[Label, ...]
"""Every label, in the order the page's legend shows them."""

class Span(TypedDict):
    """A sentence: ``start`` to ``end`` (exclusive), in UTF-16 code units."""

    start: int
    end: int

class Entity(TypedDict):
    """One mention of an entity."""

    start: int
    end: int
    label: Label
    text: str
    """The mentioned text, as sliced from the text analysed."""
    group: int
    """Its index in ``Analysis["groups"]``."""
    confidence: float
    """How likely it is right, span and label, from 0 to 1 (three decimals)."""

class EntityGroup(TypedDict):
    """A distinct entity: the mentions of one name, in order of first mention."""

    text: str
    """Its longest name (possessive endings removed, curly apostrophes made straight)."""
    label: Label
    count: int
    """How many mentions it has."""
    first: int
    """The offset of its first mention."""
    salience: float
    """How much the text is about it, 0 to 1 (three decimals), summing to 1 over the PERSON, ORG, LOC
    and MISC groups; 0 for dates and amounts."""
    url: NotRequired[str]
    """The custom entity's ``url``, only when it has one."""

class Speaker(TypedDict):
    """The mention that names who said a quotation: a name, or a pronoun resolved to one."""

    start: int
    end: int
    text: str
    group: Optional[int]
    """The index in ``Analysis["groups"]`` of the entity it names or resolves to, if any."""

class Quote(TypedDict):
    """A direct quotation, its quote marks included."""

    start: int
    end: int
    speaker: Optional[Speaker]
    """Who said it, when the text names them."""
    cue: Optional[Span]
    """The reporting word ("said", "according to"), when there is one."""

class Analysis(TypedDict):
    """The CLI's JSON of one text."""

    sentences: List[Span]
    entities: List[Entity]
    groups: List[EntityGroup]
    quotes: List[Quote]

class _CustomEntityName(TypedDict):
    name: str
    label: Label

class CustomEntity(_CustomEntityName, total=False):
    """A newsroom's own name, as in the CLI's ``--entities`` JSON; ``aliases`` may be left out."""

    aliases: List[str]
    url: str
    """A web address that identifies it: the group's ``url``, ``sameAs`` in JSON-LD."""

def analyze(text: str) -> Analysis:
    """Analyses ``text`` with the embedded model, offsets in UTF-16 code units.

    Raises TypeError if ``text`` is not a str.
    """

def analyze_many(texts: Iterable[str], threads: Optional[int] = None) -> List[Analysis]:
    """Analyses each of ``texts`` on ``threads`` threads (every core when None), without holding the
    GIL; the analyses are in the order of ``texts``.

    Raises TypeError if ``texts`` is a str or holds something else than str, ValueError if ``threads``
    is less than 1.
    """

def to_code_points(analysis: Analysis, text: str) -> Analysis:
    """``analysis`` of ``text`` with every offset in code points, as Python slices a str:
    ``text[e["start"]:e["end"]] == e["text"]``. Other keys are kept; ``analysis`` is not changed.

    Raises ValueError if an offset is not one of ``text`` (the analysis is of another text).
    """

class Analyzer:
    """An analyzer to keep and reuse, optionally with a newsroom's own entities.

    Their mentions win over the model and the rules and group under ``name``; matching is on token
    boundaries, leftmost-longest, case-sensitive with a capitalised first letter and an all-caps
    spelling allowed. Picklable (as its custom entities), and safe to share between threads.
    """

    def __init__(self, custom_entities: Optional[Sequence[CustomEntity]] = None) -> None:
        """Raises ValueError with the CLI's message, prefixed ``custom entity N:``, for an entity that
        the CLI's ``--entities`` refuses (an unknown label or field, a missing field, a name of more
        than 64 tokens), TypeError for a value of the wrong type."""

    @property
    def custom_entities(self) -> List[CustomEntity]:
        """The custom entities, each with its three keys."""

    def analyze(self, text: str) -> Analysis:
        """Analyses ``text``, offsets in UTF-16 code units."""

    def analyze_many(self, texts: Iterable[str], threads: Optional[int] = None) -> List[Analysis]:
        """Analyses each of ``texts`` on ``threads`` threads (every core when None), without the GIL."""
