"""Search over the published catalogue: rjieba segmentation, BM25 ranking (bm25s), OpenCC for
Traditional input, character bigrams and their pinyin for typos (homophones are the usual
slip of a Chinese input method: 优带证 for 优待证).

Each process keeps one in-memory index of the published versions and life events. It is
rebuilt when `CatalogueRevision` (bumped in every publishing transaction) moves on, so a
search costs one primary-key read plus the ranking."""

import logging
import re
import threading
from dataclasses import dataclass

import bm25s
import numpy as np
import opencc
import rjieba
from pypinyin import lazy_pinyin

from tongban.catalog.models import CatalogueRevision, LifeEvent, MatterVersion

MAX_QUERY_LENGTH = 200
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
LATIN = re.compile(r"[a-z0-9]+")
# Words that carry no meaning in a question such as “我想问一下怎么办老年卡”.
FILLERS = frozenset(
    "我 我们 想 要 需要 怎么 怎样 如何 哪里 哪儿 在哪 在哪里 什么 啥 的 了 吗 呢 啊 吧 去 可以 能 "
    "能不能 请问 问 一下 办 给 帮 应该 手续 流程 要求 哪些 怎么办 咋办 多久 哪个 部门".split()
)
WEIGHT_NAME, WEIGHT_KEYWORDS = 3, 2
_to_simplified = opencc.OpenCC("t2s.json")
logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG


def simplified(text: str) -> str:
    """Traditional to Simplified; lone surrogates (which UTF-8 cannot carry) are dropped."""
    return _to_simplified.convert(text.encode("utf-8", "ignore").decode("utf-8"))


def tokens(text: str) -> list[str]:
    """Index tokens: rjieba's search-mode words, character bigrams, and the pinyin of each
    bigram (prefixed `~`)."""
    text = simplified(text).lower()
    words = [w for w in rjieba.cut_for_search(text) if CJK.fullmatch(w) or LATIN.fullmatch(w)]
    grams: list[str] = []
    for run in CJK.findall(text):
        pairs = [run[i : i + 2] for i in range(len(run) - 1)]
        grams += pairs
        sounds = lazy_pinyin(run, errors=list)
        if len(sounds) == len(run):
            grams += ["~" + sounds[i] + sounds[i + 1] for i in range(len(run) - 1)]
    return words + grams


def query_tokens(query: str) -> list[str]:
    """Tokens of a query, without filler words (and without bigrams made only of them)."""
    query = simplified(query[:MAX_QUERY_LENGTH]).lower()
    kept = "".join(word if word not in FILLERS else " " for word in rjieba.cut(query))
    return tokens(kept)


@dataclass(frozen=True)
class Hit:
    kind: str  # "matter" or "life_event"
    pk: int  # MatterVersion or LifeEvent primary key
    score: float


class CatalogueIndex:
    """BM25 over one snapshot of the published catalogue, with filter masks."""

    def __init__(self, revision: int):
        self.revision = revision
        versions = list(
            MatterVersion.objects.filter(status=MatterVersion.Status.PUBLISHED)
            .select_related("matter__department")
            .prefetch_related("themes")
            .order_by("pk")
        )
        events = list(LifeEvent.objects.order_by("pk"))
        self.kinds = ["matter"] * len(versions) + ["life_event"] * len(events)
        self.pks = np.array([v.pk for v in versions] + [e.pk for e in events], dtype=np.int64)
        self.departments = np.array(
            [v.matter.department_id for v in versions] + [0] * len(events), dtype=np.int64
        )
        self.persons = np.array(
            [v.for_persons for v in versions] + [e.audience == "person" for e in events]
        )
        self.businesses = np.array(
            [v.for_businesses for v in versions] + [e.audience == "business" for e in events]
        )
        self.is_matter = np.array([kind == "matter" for kind in self.kinds], dtype=bool)
        self.themes: dict[str, np.ndarray] = {}
        for position, version in enumerate(versions):
            for theme in version.themes.all():
                mask = self.themes.setdefault(theme.code, np.zeros(len(self.kinds), dtype=bool))
                mask[position] = True
        corpus = [self._document(v) for v in versions] + [
            tokens(e.name) * WEIGHT_NAME + tokens(f"{e.summary} {e.name_en}") for e in events
        ]
        self.retriever = bm25s.BM25() if corpus else None
        if corpus:
            self.retriever.index(corpus, show_progress=False)

    @staticmethod
    def _document(version: MatterVersion) -> list[str]:
        rest = " ".join(
            [
                version.summary,
                version.name_en,
                version.result_name,
                version.matter.department.name,
                *(theme.name for theme in version.themes.all()),
            ]
        )
        return (
            tokens(version.name) * WEIGHT_NAME
            + tokens(" ".join(version.keywords)) * WEIGHT_KEYWORDS
            + tokens(rest)
        )

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
    revision = CatalogueRevision.objects.filter(id=1).values_list("number", flat=True).first() or 0
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
