"""Duplicate / similar-proposal detection for Indonesian text.

Pure Python, no Flask or database imports. Texts are normalised (HTML tags,
entities, accents, digits and punctuation removed), Indonesian stopwords are
dropped, words are stemmed with Sastrawi, and every stem contributes a
whole-word feature plus character 3-4-grams with word-boundary markers, so
``sampah``/``persampahan`` or ``posyandu``/``posyandunya`` meet even where the
stemmer does not reduce one of them. Documents are compared by cosine
similarity over sublinear TF-IDF weights, served from an inverted index.
"""

from __future__ import annotations

import html
import math
import re
import threading
import unicodedata
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Hashable
from functools import cache, lru_cache
from heapq import nlargest
from itertools import chain, repeat
from operator import mul
from typing import NamedTuple

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

TITLE_WEIGHT = 2
WORD_WEIGHT = 3
NGRAM_SIZES = (3, 4)
MAX_FIELD_CHARS = 20_000
MAX_WORD_LEN = 30
POSTINGS_BUDGET = 25_000
RESCORE_POOL = 40

STOPWORDS = frozenset(
    """
    ada adalah agar akan aku anda antara apa apabila atas atau bagai bagaimana
    bagi bahwa banyak baru beberapa belum berapa bisa boleh bukan dalam dan
    dapat dari demikian dengan di dia dll dsb harap harus hal hanya ia ingin
    ini itu jadi jika juga kalau kami kan karena ke kepada ketika kita lagi
    lain maka mana masih maupun melalui mereka mohon nya oleh pada para perlu
    pun rt rw saat saja sampai sangat saya secara sedang sehingga sejak
    seperti serta setiap sebagai sudah supaya tapi telah tentang terhadap
    tersebut tetapi tiap tidak untuk usul usulan warga yaitu yakni yang
    """.split()  # noqa: SIM905
)

_TAG_RE = re.compile(r"<[^>]*>")
_REDUPLICATION_RE = re.compile(r"\b([a-z]+)-\1\b")
_WORD_RE = re.compile(rf"(?<![a-z])[a-z]{{2,{MAX_WORD_LEN}}}(?![a-z])")


@lru_cache(maxsize=1)
def _stemmer():
    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    if word in STOPWORDS:
        return ""
    stem = _stemmer().stem(word)
    return "" if len(stem) < 2 or stem in STOPWORDS else stem


@lru_cache(maxsize=200_000)
def _stem_features(stem: str) -> tuple[str, ...]:
    marked = f"^{stem}$"
    grams = [marked[i : i + n] for n in NGRAM_SIZES for i in range(len(marked) - n + 1)]
    return ("w:" + stem,) * WORD_WEIGHT + tuple(grams)


@cache
def _tf(count: int) -> float:
    return 1.0 + math.log(count)


def tokens(text: str | None) -> list[str]:
    """Return the stemmed, stopword-free words of ``text`` in order.

    Accepts any string (HTML, entities, digits, emoji, ``None``); fields longer
    than ``MAX_FIELD_CHARS`` are truncated and implausibly long "words"
    (over ``MAX_WORD_LEN`` letters) are ignored, so cost stays bounded.
    """
    if not text:
        return []
    text = html.unescape(_TAG_RE.sub(" ", text[:MAX_FIELD_CHARS]))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = _REDUPLICATION_RE.sub(r"\1", text.lower())
    return [stem for stem in map(_stem, _WORD_RE.findall(text)) if stem]


def features(title: str | None, body: str | None = "") -> dict[str, float]:
    """Map a text to its sublinear term-frequency features (before IDF).

    Keys are ``"w:<stem>"`` for whole stems and boundary-marked character
    n-grams such as ``"^sam"`` or ``"pah$"``. Title words count
    ``TITLE_WEIGHT`` times, whole-stem features ``WORD_WEIGHT`` times an
    n-gram. Returns ``{}`` when nothing meaningful is left.
    """
    stems = tokens(title) * TITLE_WEIGHT + tokens(body)
    counts = Counter(chain.from_iterable(map(_stem_features, stems)))
    return dict(zip(counts, map(_tf, counts.values()), strict=True))


class _Doc(NamedTuple):
    key: Hashable
    features: tuple[str, ...]
    tfs: tuple[float, ...]
    inverse_length: float


class SimilarityIndex:
    """In-memory TF-IDF index answering "which proposals resemble this one?".

    Keys are any hashable values (e.g. proposal ids). Scores are the cosine
    similarity, in 0..1, between TF-IDF vectors, with IDF
    ``ln((N + 1) / (df + 1)) + 1`` over the N documents currently indexed.
    On tests/data/similar_proposals.json true pairs score 0.2-0.8 and the best
    other proposal at most ~0.26. Only the choice of candidates is approximate:
    a query walks the posting lists of its heaviest features (query TF x
    IDF squared) first, stops after about ``POSTINGS_BUDGET`` postings, and
    scores exactly the best ``RESCORE_POOL`` candidates (at least
    ``5 * limit``). Every method takes an internal lock, so one instance can
    be shared between threads; writes and queries are serialised.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids: dict[Hashable, int] = {}
        self._docs: dict[int, _Doc] = {}
        self._postings: defaultdict[str, list[int]] = defaultdict(list)  # ascending doc ids
        self._idf_cache: dict[str, float] = {}
        self._norm_cache: dict[int, float] = {}
        self._next_id = 0

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._ids

    def add(self, key: Hashable, title: str | None, body: str | None = "") -> None:
        """Index ``title`` (weighted ``TITLE_WEIGHT``) and ``body`` under ``key``.

        ``add(key, text)`` indexes a single text as a title. Re-adding an
        existing key replaces its previous text (and moves it last for ties).
        """
        feats = features(title, body)
        inverse_length = 1.0 / (math.hypot(*feats.values()) or 1.0)
        with self._lock:
            self._remove(key)
            doc = self._next_id
            self._next_id += 1
            self._ids[key] = doc
            self._docs[doc] = _Doc(key, tuple(feats), tuple(feats.values()), inverse_length)
            postings = self._postings
            for feature in feats:
                postings[feature].append(doc)
            self._invalidate()

    def remove(self, key: Hashable) -> bool:
        """Forget ``key``; return whether it was indexed."""
        with self._lock:
            return self._remove(key)

    def query(
        self,
        title: str | None,
        body: str | None = "",
        limit: int = 5,
        min_score: float = 0.1,
        exclude: Hashable | None = None,
    ) -> list[tuple[Hashable, float]]:
        """Return up to ``limit`` ``(key, score)`` pairs, best first.

        Only documents scoring at least ``min_score`` are returned; ``exclude``
        (typically the proposal's own key) never is. Ties are broken by
        insertion order, so results are deterministic. Empty or meaningless
        input, or an empty index, returns ``[]``.
        """
        query_features = features(title, body)
        if not query_features or limit <= 0:
            return []
        with self._lock:
            if not self._docs:
                return []
            idf = {f: self._idf(f) for f in query_features}
            query_norm = math.sqrt(sum((w * idf[f]) ** 2 for f, w in query_features.items()))
            weights = {f: w * idf[f] ** 2 for f, w in query_features.items() if f in self._postings}

            partial: dict[int, float] = {}
            get = partial.get
            touched = 0
            for feature in sorted(weights, key=lambda f: (-weights[f], f)):
                if touched >= POSTINGS_BUDGET:
                    break
                posting = self._postings[feature]
                touched += len(posting)
                weight = weights[feature]
                for doc in posting:
                    partial[doc] = get(doc, 0.0) + weight
            if exclude is not None:
                partial.pop(self._ids.get(exclude), None)
            docs = self._docs
            pool = nlargest(
                max(RESCORE_POOL, 5 * limit), partial, key=lambda d: partial[d] * docs[d].inverse_length
            )

            results = []
            for doc in pool:
                dot = sum(map(mul, map(weights.get, docs[doc].features, repeat(0.0)), docs[doc].tfs))
                score = round(min(1.0, dot / (query_norm * self._norm(doc))), 6)
                if score >= min_score:
                    results.append((-score, doc))
            results.sort()
            return [(docs[doc].key, -neg_score) for neg_score, doc in results[:limit]]

    def _remove(self, key: Hashable) -> bool:
        doc = self._ids.pop(key, None)
        if doc is None:
            return False
        for feature in self._docs.pop(doc).features:
            posting = self._postings[feature]
            del posting[bisect_left(posting, doc)]
            if not posting:
                del self._postings[feature]
        self._invalidate()
        return True

    def _invalidate(self) -> None:
        if self._idf_cache:
            self._idf_cache.clear()
        if self._norm_cache:
            self._norm_cache.clear()

    def _idf(self, feature: str) -> float:
        idf = self._idf_cache.get(feature)
        if idf is None:
            df = len(self._postings.get(feature, ()))
            idf = self._idf_cache[feature] = math.log((len(self._docs) + 1) / (df + 1)) + 1.0
        return idf

    def _norm(self, doc: int) -> float:
        norm = self._norm_cache.get(doc)
        if norm is None:
            entry = self._docs[doc]
            norm = math.hypot(*map(mul, entry.tfs, map(self._idf, entry.features)))
            self._norm_cache[doc] = norm
        return norm
