"""collab.proposals.similarity: Indonesian duplicate-proposal detection (pure Python, no app)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from collab.proposals import similarity
from collab.proposals.similarity import SimilarityIndex, features, tokens

DATA = Path(__file__).parent / "data" / "similar_proposals.json"
ROOT = Path(__file__).resolve().parents[1]
DIMENSIONS = {"governance", "branding", "economy", "living", "society", "environment"}


def body(proposal: dict) -> str:
    return f"{proposal['problem']}\n\n{proposal['solution']}"


@pytest.fixture(scope="module")
def pairs() -> list[dict]:
    return json.loads(DATA.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def corpus(pairs) -> SimilarityIndex:
    """Every proposal of every pair; each one's partner must beat all the others."""
    index = SimilarityIndex()
    for i, pair in enumerate(pairs):
        for side in ("a", "b"):
            index.add((side, i), pair[side]["title"], body(pair[side]))
    return index


def small_index() -> SimilarityIndex:
    index = SimilarityIndex()
    index.add("sampah", "Pengelolaan sampah rumah tangga", "Sampah dipilah lalu dikelola bank sampah.")
    index.add("lampu", "Lampu penerangan jalan", "Gang gelap perlu lampu tenaga surya.")
    index.add("onde", "Festival onde-onde", "Acara kuliner khas Mojokerto di alun-alun.")
    index.add("posyandu", "Posyandu balita", "Timbangan bayi rusak dan kader kurang.")
    index.add("kompos", "Pelatihan kompos", "Sisa dapur dijadikan pupuk.")
    return index


def reference_cosine(index_texts: dict, query: tuple[str, str]) -> dict:
    """Brute-force cosine over the documented TF-IDF weights, for checking the index."""
    docs = {key: features(*texts) for key, texts in index_texts.items()}
    n = len(docs)

    def idf(feature):
        df = sum(feature in feats for feats in docs.values())
        return math.log((n + 1) / (df + 1)) + 1.0

    q = {f: w * idf(f) for f, w in features(*query).items()}
    q_norm = math.sqrt(sum(w * w for w in q.values()))
    scores = {}
    for key, feats in docs.items():
        d = {f: w * idf(f) for f, w in feats.items()}
        dot = sum(w * d.get(f, 0.0) for f, w in q.items())
        scores[key] = dot / (q_norm * math.sqrt(sum(w * w for w in d.values())))
    return scores


# --- the data set -----------------------------------------------------------------------


def test_dataset_is_large_varied_and_not_copied(pairs):
    assert len(pairs) >= 36
    assert {pair["dimension"] for pair in pairs} == DIMENSIONS
    for pair in pairs:
        a, b = pair["a"], pair["b"]
        assert set(a) == set(b) == {"title", "problem", "solution"}
        assert a["title"] != b["title"]
        words_a = set(tokens(a["title"] + " " + body(a)))
        words_b = set(tokens(b["title"] + " " + body(b)))
        overlap = len(words_a & words_b) / len(words_a | words_b)
        assert overlap < 0.5, f"b is too close to a copy of a: {a['title']!r} ({overlap:.2f})"


# --- (a) every pair is found at rank 1 ------------------------------------------------


@pytest.mark.parametrize(("query_side", "target_side"), [("b", "a"), ("a", "b")])
def test_every_proposal_ranks_its_partner_first(pairs, corpus, query_side, target_side):
    misses = []
    for i, pair in enumerate(pairs):
        proposal = pair[query_side]
        results = corpus.query(proposal["title"], body(proposal), limit=3, exclude=(query_side, i))
        if not results or results[0][0] != (target_side, i):
            misses.append(f"{proposal['title']!r} -> {results}")
    assert not misses, f"{len(misses)}/{len(pairs)} pairs not at rank 1:\n" + "\n".join(misses)


def test_partner_scores_clear_the_default_threshold(pairs, corpus):
    for i, pair in enumerate(pairs):
        results = corpus.query(pair["b"]["title"], body(pair["b"]), limit=1, exclude=("b", i))
        assert results and results[0][0] == ("a", i)
        assert results[0][1] >= 0.15, pair["b"]["title"]


# --- (b) morphology, title weight and scoring -----------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("persampahan", "sampah"),
        ("pengelolaan", "sampah"),
        ("kelola", "sampah"),
        ("penerangan", "lampu"),
        ("posyandunya", "posyandu"),
        ("komposter", "kompos"),
    ],
)
def test_affixed_forms_meet(query, expected):
    results = small_index().query(query, min_score=0.0)
    assert results[0][0] == expected
    assert results[0][1] > 0.2


def test_character_ngrams_bridge_what_the_stemmer_leaves_alone():
    # Sastrawi leaves "posyandunya" and "komposter" unreduced; only the n-grams connect them.
    for word, base in (("posyandunya", "posyandu"), ("komposter", "kompos")):
        shared = set(features(word)) & set(features(base))
        assert f"w:{base}" in features(base)
        assert any(not f.startswith("w:") for f in shared)
        assert len(shared) >= 5


def test_unrelated_texts_score_about_zero():
    index = small_index()
    for query in ("wisata perahu susur sungai", "pemasangan CCTV keamanan", "bursa kerja lowongan"):
        assert index.query(query) == []
        assert all(score < 0.1 for _, score in index.query(query, min_score=0.0))


def test_scores_are_the_tf_idf_cosine(pairs):
    texts = {i: (pair["a"]["title"], body(pair["a"])) for i, pair in enumerate(pairs[:12])}
    index = SimilarityIndex()
    for key, (title, text) in texts.items():
        index.add(key, title, text)
    for pair in pairs[:12]:
        query = (pair["b"]["title"], body(pair["b"]))
        expected = reference_cosine(texts, query)
        got = dict(index.query(*query, limit=12, min_score=0.0))
        assert got, query[0]
        for key, score in got.items():
            assert score == pytest.approx(expected[key], abs=1e-5)
        best = max(expected, key=expected.get)
        assert next(iter(got)) == best


def test_title_words_weigh_more_than_body_words():
    index = SimilarityIndex()
    index.add("title-sampah", "Bank sampah", "Lampu jalan di gang juga mati.")
    index.add("title-lampu", "Lampu jalan", "Bank sampah belum ada di kampung.")
    assert [k for k, _ in index.query("bank sampah", min_score=0.0)][0] == "title-sampah"
    assert [k for k, _ in index.query("lampu jalan", min_score=0.0)][0] == "title-lampu"
    assert [k for k, _ in index.query("Bank sampah", "", min_score=0.0)][0] == "title-sampah"


def test_results_are_ranked_bounded_and_in_unit_interval(corpus):
    results = corpus.query("Pengelolaan sampah dan banjir", "selokan mampet, sampah plastik", limit=7)
    assert 0 < len(results) <= 7
    scores = [score for _, score in results]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 < score <= 1.0 for score in scores)
    assert all(score >= 0.3 for _, score in corpus.query("bank sampah", min_score=0.3))


# --- (c) exclude, remove, awkward input ------------------------------------------------


def test_exclude_leaves_out_the_proposal_itself(pairs, corpus):
    a = pairs[0]["a"]
    with_self = corpus.query(a["title"], body(a))
    assert with_self[0] == (("a", 0), 1.0)
    without = corpus.query(a["title"], body(a), exclude=("a", 0))
    assert ("a", 0) not in [key for key, _ in without]
    assert without[0][0] == ("b", 0)
    assert corpus.query(a["title"], body(a), exclude="not-indexed")[0][0] == ("a", 0)


def test_remove_and_replace():
    index = small_index()
    assert len(index) == 5 and "sampah" in index
    assert index.remove("sampah") is True
    assert index.remove("sampah") is False
    assert len(index) == 4 and "sampah" not in index
    assert "sampah" not in [k for k, _ in index.query("pengelolaan persampahan", min_score=0.0)]

    index.add("sampah", "Pengelolaan sampah", "Bank sampah di RW.")
    assert index.query("bank sampah")[0][0] == "sampah"
    index.add("sampah", "Penerangan jalan umum", "Lampu jalan tenaga surya.")
    assert len(index) == 5
    assert "sampah" not in [k for k, _ in index.query("bank sampah")]
    assert [k for k, _ in index.query("lampu penerangan jalan", limit=2)] == ["lampu", "sampah"]

    for key in ["lampu", "onde", "posyandu", "kompos", "sampah"]:
        assert index.remove(key)
    assert len(index) == 0
    assert index.query("lampu jalan") == []
    assert index._postings == {}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t  ",
        None,
        "<p>&nbsp;</p><br/><script></script>",
        "!!! 123 456 ??? -- 2024/05/17 :)",
        "yang di ke dari dan untuk dengan ini itu RT 03 RW 05",
        "x" * 1_000_000,
        "\u0000\ufffd\U0001f600 \u200b",
    ],
)
def test_meaningless_input_returns_nothing(corpus, text):
    assert features(text) == {}
    assert corpus.query(text) == []
    assert corpus.query(text, text, min_score=0.0) == []


def test_html_is_stripped_and_long_input_is_bounded(corpus):
    assert features("<b>Bank</b> <i>sampah</i>&nbsp;&amp; <a href='x'>lampu</a>") == features(
        "Bank sampah & lampu"
    )
    start = time.perf_counter()
    long_text = "Bank sampah dan pengelolaan persampahan di kampung. " * 50_000
    results = corpus.query(long_text, long_text, limit=3)
    assert time.perf_counter() - start < 5
    assert 0 < len(results) <= 3


def test_degenerate_calls():
    index = SimilarityIndex()
    assert index.query("bank sampah") == []
    index.add("empty", "", "   ")
    index.add(7, "Bank sampah")
    assert len(index) == 2
    assert index.query("bank sampah", limit=0) == []
    assert index.query("bank sampah") == [(7, 1.0)]
    assert index.query("") == []


# --- (d) determinism and concurrency ---------------------------------------------------


def test_ties_break_by_insertion_order():
    forward, backward = SimilarityIndex(), SimilarityIndex()
    for key in ("first", "second"):
        forward.add(key, "Bank sampah RW", "Sampah plastik ditabung.")
    for key in ("second", "first"):
        backward.add(key, "Bank sampah RW", "Sampah plastik ditabung.")
    assert [k for k, _ in forward.query("bank sampah")] == ["first", "second"]
    assert [k for k, _ in backward.query("bank sampah")] == ["second", "first"]


def test_ranking_is_deterministic_within_a_process(pairs, corpus):
    rebuilt = SimilarityIndex()
    for i, pair in enumerate(pairs):
        for side in ("a", "b"):
            rebuilt.add((side, i), pair[side]["title"], body(pair[side]))
    for pair in pairs:
        query = (pair["b"]["title"], body(pair["b"]))
        first = corpus.query(*query, limit=10, min_score=0.0)
        assert first == corpus.query(*query, limit=10, min_score=0.0)
        assert first == rebuilt.query(*query, limit=10, min_score=0.0)


_DETERMINISM_SCRIPT = """
import json, sys
from collab.proposals.similarity import SimilarityIndex
pairs = json.load(open(sys.argv[1], encoding="utf-8"))
index = SimilarityIndex()
for i, p in enumerate(pairs):
    for side in "ab":
        index.add(f"{side}{i}", p[side]["title"], p[side]["problem"] + " " + p[side]["solution"])
out = [index.query(p["b"]["title"], p["b"]["problem"], limit=8, min_score=0.0) for p in pairs]
print(json.dumps(out))
"""


def test_ranking_does_not_depend_on_hash_seed():
    outputs = []
    for seed in ("1", "2024"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", _DETERMINISM_SCRIPT, str(DATA)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        outputs.append(json.loads(run.stdout))
    assert outputs[0] == outputs[1]
    assert all(results for results in outputs[0])


def test_concurrent_writes_and_queries(pairs):
    index = SimilarityIndex()
    errors = []

    def worker(offset):
        try:
            for i, pair in enumerate(pairs):
                index.add((offset, i), pair["a"]["title"], body(pair["a"]))
                index.query(pair["b"]["title"], body(pair["b"]))
                if i % 3 == 0:
                    index.remove((offset, i))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(index) == 4 * sum(1 for i in range(len(pairs)) if i % 3)


def test_candidate_budget_changes_candidates_not_scores(pairs, corpus, monkeypatch):
    queries = [(pair["b"]["title"], body(pair["b"])) for pair in pairs]
    exhaustive = [dict(corpus.query(*q, limit=len(corpus), min_score=0.0)) for q in queries]
    monkeypatch.setattr(similarity, "POSTINGS_BUDGET", 1)
    monkeypatch.setattr(similarity, "RESCORE_POOL", 1)
    for query, full in zip(queries, exhaustive, strict=True):
        results = corpus.query(*query, limit=3, min_score=0.0)
        assert results, query[0]
        for key, score in results:
            assert score == full[key]
