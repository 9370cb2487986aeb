"""Full-text search: the right note first for the exam's topics, former names, JSON, CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from examprep.cli.app import app
from examprep.content.loader import Pack
from examprep.content.search import SearchIndex, expand_query, plain_text, words

runner = CliRunner()

# (query, the note ids that may come first). Where two notes teach the same thing both count.
RIGHT_NOTE = [
    ("AI Platform Training", "n-s3-custom-training"),
    ("Cloud Composer", "n-s5-orchestrators"),
    ("AI Platform Pipelines", "n-s5-orchestrators n-s5-tfx-kfp"),
    ("MirroredStrategy", "n-s3-distributed-training"),
    ("parameter server", "n-s3-distributed-training"),
    ("TPU custom ops", "n-s3-hardware"),
    ("Sampled Shapley", "n-s6-explainability"),
    ("XRAI", "n-s6-explainability"),
    ("dead ReLU", "n-s3-training-problems"),
    ("differential privacy", "n-s2-privacy"),
    ("federated learning", "n-s2-privacy"),
    ("What-If Tool", "n-s6-responsible-ai"),
    ("Model Armor", "n-s6-security"),
    ("traffic splitting", "n-s4-registry-and-rollouts"),
    ("private endpoint", "n-s4-endpoint-types"),
    ("vanishing gradients", "n-s3-training-problems"),
    ("early stopping", "n-s3-training-problems"),
    ("precision recall imbalanced", "n-s3-evaluation-metrics"),
    ("Keras functional API", "n-s3-keras-layers"),
    ("embedding layer", "n-s3-keras-layers"),
    ("TFX components", "n-s5-tfx-kfp"),
    ("Kubeflow Pipelines", "n-s5-tfx-kfp"),
    ("Ray on Vertex AI", "n-s5-orchestrators"),
    ("Cloud DLP", "n-s2-privacy n-s6-security"),
    ("feature attribution drift", "n-s6-model-monitoring"),
    ("concept drift", "n-s6-model-monitoring"),
    ("Vertex AI Feature Store", "n-s2-feature-store n-s4-feature-store-serving"),
    ("ARIMA_PLUS", "n-s1-bqml-model-types n-s3-model-choice"),
    ("ML.EXPLAIN_PREDICT", "n-s3-deployment-and-interpretability n-s1-bqml-features-predictions"),
    ("Core ML TensorFlow.js edge export", "n-s4-serving-hardware"),
    ("Translation glossary", "n-s1-pretrained-apis"),
    ("Document AI", "n-s1-pretrained-apis"),
    ("Video Intelligence deprecated", "n-s1-pretrained-apis"),
    ("LLM-as-a-judge", "n-s6-genai-evaluation"),
    ("RAG Engine", "n-s1-gemini-grounding-cost"),
    ("Provisioned Throughput", "n-s4-generative-serving"),
    ("Imagen Veo", "n-s1-model-garden-genai"),
    ("hyperparameter tuning", "n-s3-custom-training"),
    ("custom prediction routines", "n-s4-prediction-containers"),
    ("Workbench Colab Enterprise", "n-s2-notebooks"),
    ("pass mark", "n-exam"),
    ("Cloud Build continuous training", "n-s5-retraining-cicd"),
    ("TensorFlow Data Validation", "n-s5-validation"),
    ("TensorBoard lineage", "n-s2-experiments-lineage"),
    ("LoRA supervised tuning", "n-s3-fine-tuning"),
    ("Dataflow Spark preprocessing", "n-s2-data-preprocessing"),
    ("TFRecord Cloud Storage", "n-s3-training-data"),
    ("autoscaling replicas", "n-s4-scaling-and-optimisation"),
    ("batch prediction", "n-s4-batch-vs-online"),
    ("Reduction Server", "n-s3-distributed-training"),
    ("Integrated Gradients", "n-s6-explainability"),
    ("fairness metrics", "n-s6-responsible-ai"),
    ("chief worker evaluator", "n-s3-distributed-training"),
    ("AutoML objectives", "n-s1-automl"),
    ("Vertex AI Model Monitoring", "n-s6-model-monitoring"),
    ("Healthcare Natural Language", "n-s1-pretrained-apis"),
    ("L1 L2 regularization", "n-s3-training-problems"),
    ("dropout overfitting", "n-s3-training-problems"),
    ("exploding gradients gradient clipping", "n-s3-training-problems"),
    ("tune Gemini from BigQuery", "n-s1-bqml-generative"),
    ("remote model", "n-s1-bqml-generative"),
    ("TPU high precision arithmetic", "n-s3-hardware"),
    ("skew baseline training data", "n-s6-model-monitoring"),
    ("Natural Language API sentiment", "n-s1-pretrained-apis"),
    ("language detection", "n-s1-pretrained-apis"),
    ("study plan", "n-exam"),
    ("DDP FSDP", "n-s3-distributed-training"),
    ("data parallelism model parallelism", "n-s3-distributed-training"),
    ("Vector Search", "n-s1-gemini-grounding-cost"),
    ("PII de-identification", "n-s2-privacy"),
    ("counterfactual", "n-s6-responsible-ai"),
    ("example-based explanations", "n-s6-explainability"),
    ("Vertex AI Workbench", "n-s2-notebooks"),
    ("prebuilt containers", "n-s4-prediction-containers"),
    ("Coral Edge TPU", "n-s4-serving-hardware"),
    ("BigQuery ML k-means", "n-s1-bqml-model-types n-s1-bqml-features-predictions"),
    (
        "matrix factorization recommendations",
        "n-s1-bqml-model-types n-s1-conversational-recommendations",
    ),
    ("ROC AUC threshold", "n-s3-evaluation-metrics"),
    ("RMSE MAE regression metrics", "n-s3-evaluation-metrics"),
    ("Vertex AI Experiments", "n-s2-experiments-lineage"),
    ("Speech-to-Text", "n-s1-pretrained-apis"),
    ("prompt injection", "n-s6-security"),
    ("VPC Service Controls", "n-s6-security n-s4-endpoint-types"),
    ("model registry aliases", "n-s4-registry-and-rollouts"),
    ("Sequential model compile fit callbacks", "n-s3-keras-layers"),
    ("convolution pooling layers", "n-s3-keras-layers"),
    ("class imbalance", "n-s3-training-problems"),
]


def test_there_are_at_least_forty_queries() -> None:
    assert len(RIGHT_NOTE) >= 40


@pytest.mark.parametrize(("query", "wanted"), RIGHT_NOTE, ids=[q for q, _ in RIGHT_NOTE])
def test_the_right_note_comes_first(index: SearchIndex, query: str, wanted: str) -> None:
    hits = index.search(query, limit=5)
    assert hits, f"nothing found for {query!r}"
    assert hits[0].kind == "note"
    assert hits[0].id in wanted.split(), [(h.kind, h.id, h.score) for h in hits]


def test_results_are_ordered_best_first(index: SearchIndex) -> None:
    hits = index.search("distributed training", limit=20)
    assert len(hits) == 20
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert {h.kind for h in index.search("MirroredStrategy", limit=30)} == {
        "note",
        "card",
        "table",
        "question",
    }


@pytest.mark.parametrize(
    ("former", "current"),
    [
        ("AI Platform", "Agent Platform"),
        ("Cloud Composer", "Managed Service for Apache Airflow"),
        ("Vertex AI Pipelines", "Agent Platform Pipelines"),
        ("Cloud DLP", "Sensitive Data Protection"),
    ],
)
def test_a_former_name_is_widened_to_the_current_one(pack: Pack, former: str, current: str) -> None:
    assert expand_query(f"what is {former} for", pack.names) == [
        f"what is {former} for",
        f"what is {current} for",
    ]


def test_the_longest_former_name_wins(pack: Pack) -> None:
    assert expand_query("Vertex AI Pipelines and Cloud Composer", pack.names)[1] == (
        "Agent Platform Pipelines and Managed Service for Apache Airflow"
    )
    assert expand_query("gradient boosting", pack.names) == ["gradient boosting"]


def test_former_names_find_the_current_topic(index: SearchIndex, pack: Pack) -> None:
    notes = {n.id: n for n in pack.notes}
    ai_platform = [h for h in index.search("AI Platform", limit=5) if h.kind == "note"]
    assert ai_platform and all("Agent Platform" in notes[h.id].body for h in ai_platform)
    composer = index.search("Cloud Composer", limit=1)[0]
    assert "Managed Service for Apache Airflow" in composer.title


def test_snippets_mark_the_matched_words(index: SearchIndex) -> None:
    hit = index.search("Sampled Shapley", limit=1)[0]
    assert "**Sampled**" in hit.snippet or "**Shapley**" in hit.snippet
    assert "\x02" not in hit.snippet and "\n" not in hit.snippet


def test_kinds_filter_and_fallback_to_any_word(index: SearchIndex) -> None:
    cards = index.search("XRAI", kinds=["card"])
    assert cards and {h.kind for h in cards} == {"card"}
    # No document has both words: the search falls back to documents with either.
    assert index.search("XRAI zzzqqq", limit=3)
    assert index.search("zzzqqq") == []


def test_query_words_are_quoted_so_fts_syntax_is_harmless(index: SearchIndex) -> None:
    for query in ['"unbalanced', "NEAR(a b)", "AND OR NOT", "col:umn", "*", "ML.PREDICT()"]:
        index.search(query)


def test_words_and_plain_text() -> None:
    assert words("What is the F1 score?") == ["f1", "score"]
    assert words("the") == ["the"]
    assert plain_text("**Bold** [link](https://x.org) `code`\n|---|---|").split() == [
        "Bold",
        "link",
        "code",
    ]


def test_search_json_shape() -> None:
    result = runner.invoke(app, ["search", "Cloud", "Composer", "--json", "-n", "3"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["results"]) == 3
    first = data["results"][0]
    assert set(first) == {"kind", "id", "title", "snippet", "score"}
    assert first["kind"] == "note" and first["id"] == "n-s5-orchestrators"
    kinds = {"note", "card", "table", "leaf", "name", "question"}
    assert all(r["kind"] in kinds for r in data["results"])
    assert data["did_you_mean"] is None


def test_search_does_not_use_the_learner_database(monkeypatch: pytest.MonkeyPatch) -> None:
    # An unreachable database must not matter: the index is built in memory from the pack.
    monkeypatch.setenv("EXAMPREP_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:9/none")
    result = runner.invoke(app, ["search", "XRAI", "--kind", "table"])
    assert result.exit_code == 0, result.output
    assert "t-explainability" in result.output


def test_search_errors_exit_2() -> None:
    assert runner.invoke(app, ["search", "?!"]).exit_code == 2
    bad_kind = runner.invoke(app, ["search", "XRAI", "--kind", "video"])
    assert bad_kind.exit_code == 2 and "unknown kind" in bad_kind.output
    assert runner.invoke(app, ["search", "XRAI", "-n", "0"]).exit_code == 2


def test_search_cli_prints_ranked_results() -> None:
    result = runner.invoke(app, ["search", "dead", "ReLU", "-n", "2"])
    assert result.exit_code == 0, result.output
    assert "1. note n-s3-training-problems" in result.output
    nothing = runner.invoke(app, ["search", "zzzqqq"])
    assert nothing.exit_code == 0 and "Nothing matches" in nothing.output
