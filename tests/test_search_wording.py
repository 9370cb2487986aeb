"""Search forgives wording: spellings, synonyms, abbreviations, typos, partial matches, and
finds the rename map and the advisor's recommendations."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from examprep.cli.app import app
from examprep.content.loader import Pack
from examprep.content.schema import SearchWords
from examprep.content.search import Document, SearchIndex
from examprep.content.wording import concepts, spellings, synonym_table, variants

runner = CliRunner()


def top(index: SearchIndex, query: str, n: int = 3) -> list[str]:
    return [h.id for h in index.search(query, limit=n)]


def test_british_and_american_spellings_are_one_word() -> None:
    assert spellings("normalise") == ["normalise", "normalize"]
    assert spellings("regularization") == ["regularization", "regularisation"]
    assert "neighbor" in spellings("neighbour") and "neighbour" in spellings("neighbor")
    assert "catalogue" in spellings("catalog")
    assert spellings("gpu") == ["gpu"]


def test_either_spelling_finds_the_same_note(index: SearchIndex) -> None:
    assert top(index, "neighbour") == top(index, "neighbor")
    assert "n-s3-training-problems" in top(index, "regularization overfitting", 1)
    assert "n-s3-training-problems" in top(index, "regularisation overfitting", 1)


def test_word_endings_are_stemmed(index: SearchIndex) -> None:
    assert top(index, "regularising dropout", 1) == top(index, "regularise dropout", 1)


def test_synonyms_from_the_pack_count_as_the_same_word(pack: Pack, index: SearchIndex) -> None:
    table = synonym_table(pack.search)
    assert "several" in table["multiple"]
    assert "n-s3-distributed-training" in top(index, "several GPUs")
    assert "n-s3-distributed-training" in top(index, "multiple GPUs")


def test_a_synonym_phrase_is_one_concept() -> None:
    table = synonym_table(SearchWords(synonyms=[["skewed classes", "imbalanced"]]))
    found = concepts("skewed classes in fraud", table)
    assert [c.typed for c in found] == ["skewed classes", "fraud"]
    assert found[0].phrases == ("skewed classes", "imbalanced")


@pytest.mark.parametrize(
    ("query", "note"),
    [
        ("BQML", "n-s1-bqml-model-types"),
        ("TF.js export", "n-s4-serving-hardware"),
        ("tfjs model", "n-s4-serving-hardware"),
        ("CoreML", "n-s4-serving-hardware"),
    ],
)
def test_abbreviations_find_the_topic(index: SearchIndex, query: str, note: str) -> None:
    assert note in top(index, query)


def test_an_alias_can_lead_to_a_former_name_and_on_to_today(pack: Pack) -> None:
    # CMLE -> Cloud ML Engine (alias) -> Agent Platform (rename map); today's name counts most.
    found = variants("CMLE jobs", pack.names, pack.search.aliases)
    assert found[0] == ("CMLE jobs", 0.3)
    assert found[-1] == ("Agent Platform jobs", 1.0)
    assert ("Cloud ML Engine jobs", 0.3) in found


def test_a_partial_match_still_appears_below_full_ones(index: SearchIndex) -> None:
    # No document has every word; the one with most of them comes first.
    hits = index.search("nearest neighbour search embeddings zzzqqq", limit=10)
    assert len(hits) == 10
    assert hits[0].id in {"n-s1-gemini-grounding-cost", "l-vector-search"}


def test_documents_with_every_concept_rank_above_those_with_some() -> None:
    docs = [
        Document("note", "n-both", "Dropout", "dropout against overfitting"),
        Document("note", "n-one", "Dropout dropout dropout", "dropout dropout dropout dropout"),
    ]
    index = SearchIndex(docs)
    assert [h.id for h in index.search("dropout overfitting")] == ["n-both", "n-one"]


def test_a_misspelt_word_is_read_as_the_closest_word(index: SearchIndex) -> None:
    found = index.find("hyperparamter tuning", limit=3)
    assert found.did_you_mean == "hyperparameter tuning"
    assert "n-s3-custom-training" in [h.id for h in found.hits]
    assert index.find("model monitoring drfit").did_you_mean == "model monitoring drift"
    assert index.find("model monitoring drift").did_you_mean is None


def test_the_rename_map_and_advisor_leaves_are_searched(index: SearchIndex) -> None:
    names = index.search("Matching Engine", kinds=["name"])
    assert names and names[0].id == "vector-search"
    leaves = index.search("Dialogflow", kinds=["leaf"])
    assert leaves and leaves[0].id == "l-conversational-agents"
    assert "l-conversational-agents" in top(index, "chatbot")


def test_cli_says_did_you_mean_and_how_to_reach_a_leaf() -> None:
    result = runner.invoke(app, ["search", "hyperparamter", "tuning", "-n", "2"])
    assert result.exit_code == 0, result.output
    assert "Did you mean hyperparameter tuning?" in result.output
    leaf = runner.invoke(app, ["search", "Dialogflow", "--kind", "leaf", "-n", "1"])
    assert "examprep advise -a d-goal=" in leaf.output
    data = json.loads(runner.invoke(app, ["search", "drfit", "--json"]).output)
    assert data["did_you_mean"] == "drift"
