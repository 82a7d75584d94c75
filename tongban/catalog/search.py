"""Search over the published catalogue: rjieba segmentation, BM25 ranking (bm25s), OpenCC for
Traditional input, character bigrams and their pinyin for typos (homophones are the usual
slip of a Chinese input method: 优带证 for 优待证).

rjieba, bm25s, numpy and pypinyin load on the first search (about a second together), not
when the URL map loads, so web processes start fast.

Each process keeps one in-memory index of the published versions and life events. It is
rebuilt when `CatalogueRevision` (renewed in every publishing transaction) changes, so a
search costs one primary-key read plus the ranking."""

import logging
import re
import threading
import uuid
from dataclasses import dataclass
from functools import lru_cache

import opencc

from tongban.catalog.models import CatalogueRevision, LifeEvent, MatterVersion

MAX_QUERY_LENGTH = 200
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
LATIN = re.compile(r"[a-z0-9]+")
# Words that carry no meaning in a question such as “我想问一下怎么办老年卡”.
FILLERS = frozenset(
    [
        "我",
        "我们",
        "想",
        "要",
        "需要",
        "怎么",
        "怎样",
        "如何",
        "哪里",
        "哪儿",
        "在哪",
        "在哪里",
        "什么",
        "啥",
        "的",
        "了",
        "吗",
        "呢",
        "啊",
        "吧",
        "去",
        "可以",
        "能",
        "能不能",
        "请问",
        "问",
        "一下",
        "办",
        "给",
        "帮",
        "应该",
        "手续",
        "流程",
        "要求",
        "哪些",
        "怎么办",
        "咋办",
        "多久",
        "哪个",
        "部门",
    ]
)
WEIGHT_NAME, WEIGHT_KEYWORDS = 2, 1
_to_simplified = opencc.OpenCC("t2s.json")


def simplified(text: str) -> str:
    """Traditional to Simplified; lone surrogates (which UTF-8 cannot carry) are dropped."""
    return _to_simplified.convert(text.encode("utf-8", "ignore").decode("utf-8"))


def tokens(text: str, *, sounds: bool = True, grams: bool = True) -> list[str]:
    """Index tokens: rjieba's search-mode words, character bigrams (with `grams`: a typo
    breaks a word, not both of its bigrams) and their pinyin (with `sounds`, prefixed `~`: a
    homophone typo still meets its word)."""
    return list(_tokens(text, sounds, grams))


@lru_cache(maxsize=65536)
def _tokens(text: str, sounds: bool, grams: bool = True) -> tuple[str, ...]:
    """Catalogues repeat themselves (the same matter in every county, department and theme
    names on every matter): each distinct text is tokenized once per process."""
    import rjieba

    text = simplified(text).lower()
    words = [w for w in rjieba.cut_for_search(text) if CJK.fullmatch(w) or LATIN.fullmatch(w)]
    extra: list[str] = []
    for run in CJK.findall(text) if grams else ():
        extra += [run[i : i + 2] for i in range(len(run) - 1)]
        if sounds:
            syllables = [syllable(char) for char in run]
            extra += ["~" + syllables[i] + syllables[i + 1] for i in range(len(run) - 1)]
    return tuple(words + extra)


@lru_cache(maxsize=32768)
def syllable(char: str) -> str:
    """The toneless pinyin of one character (its most common reading; the same for index and
    query, which is all matching needs)."""
    from pypinyin import lazy_pinyin

    return lazy_pinyin(char, errors=lambda unknown: [unknown])[0]


def query_tokens(query: str) -> list[str]:
    """Tokens of a query, without filler words (and without bigrams made only of them)."""
    import rjieba

    query = simplified(query[:MAX_QUERY_LENGTH]).lower()
    kept = "".join(word if word not in FILLERS else " " for word in rjieba.cut(query))
    return tokens(kept)


def document(*, name: str, keywords: list[str], rest: str) -> list[str]:
    """One searchable document: the name weighs most, then the keywords (别名, colloquial
    names), then summary, result, department and themes (without pinyin)."""
    return (
        tokens(name) * WEIGHT_NAME
        + tokens(" ".join(keywords)) * WEIGHT_KEYWORDS
        + tokens(rest, sounds=False, grams=False)
    )


@dataclass(frozen=True)
class Hit:
    kind: str  # "matter" or "life_event"
    pk: int  # MatterVersion or LifeEvent primary key
    score: float


class CatalogueIndex:
    """BM25 over one snapshot of the published catalogue, with filter masks."""

    def __init__(self, revision: uuid.UUID | None):
        import bm25s
        import numpy as np

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs each build at DEBUG
        self.revision = revision
        # Plain values, not model instances: a version's JSON fields (form, situations) are
        # large and unused here, and at 10,000 matters loading them dominates the build.
        versions = list(
            MatterVersion.objects.filter(status=MatterVersion.Status.PUBLISHED)
            .order_by("pk")
            .values_list(
                "pk",
                "name",
                "name_en",
                "summary",
                "result_name",
                "keywords",
                "for_persons",
                "for_businesses",
                "matter__department_id",
                "matter__department__name",
            )
        )
        theme_rows = MatterVersion.themes.through.objects.filter(
            matterversion__status=MatterVersion.Status.PUBLISHED
        ).values_list("matterversion_id", "theme__code", "theme__name")
        themes_of: dict[int, list[tuple[str, str]]] = {}
        for version_pk, code, name in theme_rows:
            themes_of.setdefault(version_pk, []).append((code, name))
        events = list(
            LifeEvent.objects.order_by("pk").values_list(
                "pk", "name", "name_en", "summary", "audience"
            )
        )
        count = len(versions) + len(events)
        self.kinds = ["matter"] * len(versions) + ["life_event"] * len(events)
        self.pks = np.array([v[0] for v in versions] + [e[0] for e in events], dtype=np.int64)
        self.departments = np.array([v[8] for v in versions] + [0] * len(events), dtype=np.int64)
        self.persons = np.array(
            [v[6] for v in versions] + [e[4] == "person" for e in events], dtype=bool
        )
        self.businesses = np.array(
            [v[7] for v in versions] + [e[4] == "business" for e in events], dtype=bool
        )
        self.is_matter = np.array([kind == "matter" for kind in self.kinds], dtype=bool)
        self.themes: dict[str, np.ndarray] = {}
        for position, version in enumerate(versions):
            for code, _name in themes_of.get(version[0], ()):
                mask = self.themes.setdefault(code, np.zeros(count, dtype=bool))
                mask[position] = True
        corpus = [
            document(
                name=pk_name,
                keywords=keywords,
                rest=" ".join(
                    [summary, name_en, result, department, *(n for _c, n in themes_of.get(pk, ()))]
                ),
            )
            for pk, pk_name, name_en, summary, result, keywords, _p, _b, _d, department in versions
        ] + [
            document(name=name, keywords=[], rest=f"{summary} {name_en}")
            for _pk, name, name_en, summary, _a in events
        ]
        self.retriever = bm25s.BM25() if corpus else None
        if corpus:
            self.retriever.index(corpus, show_progress=False)

    def search(
        self,
        query: str,
        *,
        department: int | None = None,
        theme: str | None = None,
        audience: str | None = None,
        matters_only: bool = False,
        limit: int = 20,
    ) -> list[Hit]:
        import numpy as np

        words = query_tokens(query)
        if self.retriever is None or not words:
            return []
        ids = self.retriever.get_tokens_ids(words)
        if not ids:
            return []
        scores = self.retriever.get_scores(ids)
        mask = scores > 0
        if department is not None or theme is not None or matters_only:
            mask &= self.is_matter
        if department is not None:
            mask &= self.departments == department
        if theme is not None:
            mask &= self.themes.get(theme, np.zeros_like(mask))
        if audience == "person":
            mask &= self.persons
        elif audience == "business":
            mask &= self.businesses
        candidates = np.flatnonzero(mask)
        if not len(candidates):
            return []
        best = candidates[np.argsort(-scores[candidates], kind="stable")[:limit]]
        return [Hit(self.kinds[i], int(self.pks[i]), float(scores[i])) for i in best]


_lock = threading.Lock()
_index: CatalogueIndex | None = None


def current_index() -> CatalogueIndex:
    """This process's index, rebuilt first if the catalogue changed since it was built."""
    global _index
    revision = CatalogueRevision.objects.filter(id=1).values_list("stamp", flat=True).first()
    index = _index
    if index is not None and index.revision == revision:
        return index
    with _lock:
        if _index is None or _index.revision != revision:
            _index = CatalogueIndex(revision)
        return _index


def search(query: str, **filters) -> list[Hit]:
    """Ranked hits for `query` (any length, any characters: over-long input is cut at
    `MAX_QUERY_LENGTH`, the caller should refuse it first); filters: department (pk),
    theme (code), audience ("person"/"business"), matters_only, limit."""
    return current_index().search(query, **filters)
