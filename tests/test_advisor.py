"""The product-choice advisor on the bundled pack: scenarios through the CLI, tree shape, drills."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml
from typer.testing import CliRunner

from examprep.cli.app import app
from examprep.config import Settings
from examprep.content.loader import Pack
from examprep.content.schema import AdvisorTree
from examprep.engine.advisor import NOT_SURE, answers_along, drill_paths
from examprep.services.advisor import advise, drill, engine_tree, leaf_view

runner = CliRunner()

# Official documentation hosts (a source may be on the host or one of its subdomains).
OFFICIAL_HOSTS = (
    "cloud.google.com",
    "developers.google.com",
    "ai.google.dev",
    "tensorflow.org",
    "kubeflow.org",
)

# Words that give a leaf's answer away, beyond the product names that names.yaml already lists
# for it. A drill scenario must contain none of them for the leaf it is about.
GIVEAWAYS: dict[str, tuple[str, ...]] = {
    "l-agent-search": ("Agent Search",),
    "l-rag-engine": ("RAG Engine",),
    "l-vector-search": ("Vector Search",),
    "l-conversational-agents": ("Dialogflow", "Conversational Agents"),
    "l-media-generation": ("Veo", "Imagen", "Gemini"),
    "l-open-model-maas": ("Model as a Service", "MaaS", "Model Garden"),
    "l-open-model-self-deploy": ("Model Garden", "self-deploy"),
    "l-tune-gemini-bigquery": ("BigQuery ML", "supervised tuning", "Gemini"),
    "l-tune-gemini-sft": ("fine-tuning", "supervised tuning", "Gemini"),
    "l-gemini-prompting": ("Gemini", "Agent Studio"),
    "l-context-caching": ("caching", "cache"),
    "l-genai-batch": ("batch inference", "Gemini"),
    "l-provisioned-throughput": ("Provisioned Throughput",),
    "l-smaller-model": ("Flash-Lite", "Gemini"),
    "l-vision-api": ("Vision API", "Cloud Vision"),
    "l-document-ai": ("Document AI",),
    "l-speech-to-text": ("Speech-to-Text", "Chirp"),
    "l-video-gemini": ("Gemini", "Video Intelligence"),
    "l-translation": ("Cloud Translation", "Translation API"),
    "l-natural-language": ("Natural Language API",),
    "l-clinical-gemini": ("Gemini", "Healthcare Natural Language"),
    "l-recommendations-ai": ("Recommendations AI",),
    "l-commerce-search": ("Commerce Search",),
    "l-bqml": ("BigQuery ML",),
    "l-automl": ("AutoML",),
    "l-gemini-text-labels": ("Gemini", "AutoML"),
    "l-kubeflow-trainer": ("Kubeflow", "GKE", "Kubernetes"),
    "l-ray": ("Ray",),
    "l-prebuilt-training-container": ("prebuilt",),
    "l-custom-training-container": ("custom container",),
    "l-feature-store": ("Feature Store",),
    "l-tf-transform": ("TensorFlow Transform", "tf.Transform"),
    "l-pandas": ("pandas", "Colab", "Workbench"),
    "l-managed-spark": ("Spark", "Dataproc"),
    "l-bigquery-sql": ("BigQuery SQL", "BigQuery DataFrames"),
    "l-dataflow": ("Dataflow", "Apache Beam"),
    "l-managed-airflow": ("Airflow", "Composer"),
    "l-kfp-gke": ("Kubeflow", "GKE", "Kubernetes"),
    "l-pipelines-tfx": ("TFX", "TensorFlow Extended"),
    "l-pipelines-kfp": ("Kubeflow Pipelines", "KFP"),
    "l-pipeline-schedule": ("scheduler",),
    "l-event-trigger": ("Pub/Sub", "Cloud Run function"),
    "l-cloud-build": ("Cloud Build",),
    "l-bqml-predict": ("BigQuery ML", "ML.PREDICT"),
    "l-batch-inference": ("batch inference",),
    "l-edge-tflite": ("TF Lite", "TensorFlow Lite"),
    "l-edge-tfjs": ("TensorFlow.js",),
    "l-edge-coreml": ("Core ML",),
    "l-edge-tpu": ("Edge TPU",),
    "l-cloud-run": ("Cloud Run",),
    "l-gke-serving": ("GKE", "Kubernetes"),
    "l-private-endpoint": ("Private Service Connect", "private endpoint"),
    "l-prebuilt-serving-container": ("prebuilt",),
    "l-custom-serving-container": ("custom container",),
    "l-eval-labels": ("evaluation pipeline",),
    "l-genai-eval": ("evaluation service",),
    "l-model-armor": ("Model Armor",),
    "l-bqml-data-validation": ("BigQuery ML", "ML.VALIDATE"),
    "l-monitoring-skew": ("Model Monitoring", "skew"),
    "l-monitoring-drift": ("Model Monitoring", "drift"),
    "l-monitoring-batch-skew": ("Model Monitoring", "skew"),
    "l-grounding-search": ("Google Search", "grounding"),
    "l-bigquery-gemini-sql": ("AI.GENERATE", "Gemini"),
    "l-speech-adaptation": ("adaptation", "phrase set"),
    "l-bqml-timesfm": ("TimesFM", "AI.FORECAST"),
    "l-sdp-deidentify": ("Sensitive Data Protection", "DLP"),
    "l-experiments": ("Experiments",),
    "l-vizier": ("Vizier",),
    "l-model-registry": ("Model Registry", "alias"),
    "l-colab-enterprise": ("Colab",),
    "l-workbench": ("Workbench", "JupyterLab"),
    "l-ml-metadata": ("ML Metadata", "lineage"),
    "l-cpu-training": ("CPU",),
    "l-gpu-training": ("GPU",),
    "l-tpu-training": ("TPU",),
    "l-traffic-split": ("traffic split", "canary"),
    "l-bqml-explain": ("ML.EXPLAIN_PREDICT", "ML.GLOBAL_EXPLAIN"),
    "l-explainable-ai": ("Explainable AI",),
    "l-gcs-fuse": ("FUSE", "/gcs"),
    "l-tfdv": ("TFDV", "ExampleValidator", "Data Validation"),
    "l-distributed-training": ("distributed training", "worker pool"),
    "l-spot-vms": ("Spot",),
    "l-cohost": ("co-host", "resource pool"),
    "l-endpoint-autoscaling": ("autoscal",),
    "l-safety-filters": ("safety filter", "safety setting"),
    "l-vpc-sc": ("VPC Service Controls", "perimeter"),
    "l-embeddings": ("embedding",),
    "l-bqml-arima": ("ARIMA",),
    "l-knowledge-catalog": ("Knowledge Catalog", "Dataplex"),
}


DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Scenario:
    """A situation in a user's words, the choices that user would make, and the expected leaf."""

    says: str
    answers: tuple[str, ...]  # choice ids in the order the questions come, or "not-sure"
    leaf: str


def load_scenarios() -> list[Scenario]:
    data = yaml.safe_load((DATA / "advisor-scenarios.yaml").read_text(encoding="utf-8"))
    return [Scenario(s["says"], tuple(s["answers"]), s["leaf"]) for s in data["scenarios"]]


SCENARIOS = load_scenarios()


@pytest.fixture(autouse=True)
def _bundled_pack_loaded_once(pack: Pack, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every CLI call below uses the bundled pack; parse it once per module, not per call."""

    def bundled(settings: Settings) -> Pack:
        assert settings.pack_path is None, "these tests run on the default (bundled) pack"
        return pack

    monkeypatch.setattr("examprep.services.context.load_pack_for", bundled)


@pytest.fixture(scope="module")
def tree(pack: Pack) -> AdvisorTree:
    assert pack.advisor is not None
    return pack.advisor


def run_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["advise", *args, "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def answer_args(answers: tuple[str, ...] | dict[str, str]) -> list[str]:
    pairs = [f"{k}={v}" for k, v in answers.items()] if isinstance(answers, dict) else answers
    return [arg for pair in pairs for arg in ("--answer", pair)]


# ---------------------------------------------------------------- (a) scenarios via the CLI


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.leaf)
def test_scenario_reaches_the_expected_leaf(pack: Pack, scenario: Scenario) -> None:
    answers = answers_along(engine_tree(pack), scenario.answers)
    data = run_json(*answer_args(answers))
    assert data["next"] is None, scenario.says
    result = data["result"]
    assert result["leaf"] == scenario.leaf, scenario.says
    assert [s["choice"] for s in result["path"] if not s["unsure"]] == [
        c for c in scenario.answers if c != NOT_SURE
    ]
    assert result["product"] and result["why"] and result["sources"]
    assert scenario.leaf not in {r["leaf"] for r in result["ruled_out"]}
    assert len(result["unsure"]) == scenario.answers.count(NOT_SURE)


def test_every_leaf_has_two_scenarios_and_some_are_unsure(tree: AdvisorTree) -> None:
    per_leaf = Counter(s.leaf for s in SCENARIOS)
    assert set(per_leaf) == {leaf.id for leaf in tree.leaves}
    assert min(per_leaf.values()) >= 2, [leaf for leaf, n in per_leaf.items() if n < 2]
    assert len({s.says for s in SCENARIOS}) == len(SCENARIOS)
    assert sum(NOT_SURE in s.answers for s in SCENARIOS) >= 10


def test_partial_answers_return_the_next_question() -> None:
    data = run_json("--answer", "d-goal=serve")
    assert data["result"] is None
    assert data["next"]["id"] == "d-serve-timing"
    assert {c["id"] for c in data["next"]["choices"]} == {"offline", "rollout", "scaling", "online"}
    assert run_json()["next"]["id"] == "d-goal"


# ---------------------------------------------------------------- (b) reachability, (c) cycles


def test_every_node_and_leaf_is_reachable_from_the_root(tree: AdvisorTree) -> None:
    nodes = {n.id: n for n in tree.nodes}
    seen_nodes: set[str] = set()
    seen_leaves: set[str] = set()
    todo = [tree.root]
    while todo:
        current = todo.pop()
        if current in seen_nodes:
            continue
        seen_nodes.add(current)
        for choice in nodes[current].choices:
            if choice.leaf is not None:
                seen_leaves.add(choice.leaf)
            else:
                todo.append(str(choice.next))
    assert seen_nodes == set(nodes)
    assert seen_leaves == {leaf.id for leaf in tree.leaves}
    assert len(seen_leaves) >= 30


def test_the_tree_has_no_cycles(tree: AdvisorTree) -> None:
    nodes = {n.id: n for n in tree.nodes}
    done: set[str] = set()

    def visit(node_id: str, stack: tuple[str, ...]) -> None:
        assert node_id not in stack, f"cycle: {' -> '.join((*stack, node_id))}"
        if node_id in done:
            return
        for choice in nodes[node_id].choices:
            if choice.next is not None:
                visit(choice.next, (*stack, node_id))
        done.add(node_id)

    visit(tree.root, ())
    assert done == set(nodes)


def test_choices_of_a_node_are_distinct(tree: AdvisorTree) -> None:
    for node in tree.nodes:
        ids = [c.id for c in node.choices]
        labels = [c.label for c in node.choices]
        assert len(set(ids)) == len(ids), node.id
        assert len(set(labels)) == len(labels), node.id


# ---------------------------------------------------------------- (d) questions and sources


def test_every_linked_question_exists(pack: Pack, tree: AdvisorTree) -> None:
    linked = [(leaf.id, qid) for leaf in tree.leaves for qid in leaf.questions]
    assert linked
    for leaf_id, qid in linked:
        assert pack.question(qid).id == qid, leaf_id


def official(url: str) -> bool:
    parsed = urlparse(url)
    host = parsed.hostname or ""
    return parsed.scheme == "https" and any(
        host == h or host.endswith("." + h) for h in OFFICIAL_HOSTS
    )


def test_every_leaf_and_node_cites_official_docs(tree: AdvisorTree) -> None:
    for leaf in tree.leaves:
        assert leaf.sources, leaf.id
        assert all(official(u) for u in leaf.sources), (leaf.id, leaf.sources)
    for node in tree.nodes:
        assert all(official(u) for u in node.sources), (node.id, node.sources)


def test_every_alternative_names_another_leaf(tree: AdvisorTree) -> None:
    ids = {leaf.id for leaf in tree.leaves}
    for leaf in tree.leaves:
        assert all(alt.leaf in ids and alt.leaf != leaf.id for alt in leaf.instead), leaf.id


# ---------------------------------------------------------------- (e) drills


def giveaways(pack: Pack, leaf_id: str) -> list[str]:
    """Names that would give `leaf_id` away: its product's former names, and its current and
    short names when the product itself is the answer (a leaf with no `use`)."""
    products = {p.id: p for p in pack.names}
    leaf = next(x for x in pack.advisor.leaves if x.id == leaf_id) if pack.advisor else None
    assert leaf is not None
    terms = list(GIVEAWAYS.get(leaf_id, ()))
    if leaf.name is not None:
        product = products[leaf.name]
        names = [f.name for f in product.former]
        if leaf.use is None:
            names += [product.name, *([product.short] if product.short else [])]
        for name in names:
            terms += [part.strip() for part in re.split(r"[()]", name) if part.strip()]
    return terms


def named(term: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text, re.IGNORECASE) is not None


def test_every_choice_has_a_distinct_situation_sentence(tree: AdvisorTree) -> None:
    sentences = [c.situation for n in tree.nodes for c in n.choices]
    assert all(s is not None for s in sentences)
    texts = [str(s) for s in sentences]
    assert len(set(texts)) == len(texts)
    for text in texts:
        assert text[0].isupper() and text.endswith("."), text
        assert "?" not in text and "\n" not in text, text


def test_every_path_is_drillable_and_gives_nothing_away(pack: Pack, tree: AdvisorTree) -> None:
    paths = drill_paths(engine_tree(pack))
    assert {p[-1].leaf for p in paths} == {leaf.id for leaf in tree.leaves}
    scenarios: dict[str, str] = {}
    for path in paths:
        leaf = str(path[-1].leaf)
        text = " ".join(str(b.situation) for b in path)
        hits = [t for t in giveaways(pack, leaf) if named(t, text)]
        assert not hits, (leaf, hits, text)
        # Two paths with the same wording would make the drill's answer ambiguous.
        assert scenarios.setdefault(text, leaf) == leaf, text


def test_no_answer_rules_out_the_leaf_it_leads_to(pack: Pack) -> None:
    root = engine_tree(pack).root
    for path in drill_paths(engine_tree(pack)):
        answers: dict[str, str] = {}
        node = root
        for branch in path:
            answers[node] = branch.id
            node = branch.next or node
        advice = advise(pack, answers)
        assert advice.leaf is not None and advice.leaf.id == path[-1].leaf
        assert advice.leaf.id not in {r["leaf"] for r in advice.ruled_out}, answers


def drills(pack: Pack, seeds: range) -> Iterator[tuple[int, Any]]:
    for seed in seeds:
        yield seed, drill(pack, seed)


def test_drills_replay_to_their_leaf_and_are_unambiguous(pack: Pack) -> None:
    by_answers: dict[frozenset[tuple[str, str]], str] = {}
    by_scenario: dict[str, str] = {}
    leaves: set[str] = set()
    for seed, view in drills(pack, range(300)):
        replay = advise(pack, dict(view.answers))
        assert replay.next is None and replay.leaf is not None, seed
        assert replay.leaf.id == view.answer.id, seed
        hits = [t for t in giveaways(pack, view.answer.id) if named(t, view.scenario)]
        assert not hits, (seed, hits, view.scenario)
        key = frozenset(view.answers.items())
        assert by_answers.setdefault(key, view.answer.id) == view.answer.id, seed
        assert by_scenario.setdefault(view.scenario, view.answer.id) == view.answer.id, seed
        picks = [leaf for leaf, _ in view.choices]
        assert view.answer.id in picks and len(set(picks)) == len(picks), seed
        assert len({product for _, product in view.choices}) == len(picks), seed
        leaves.add(view.answer.id)
    assert len(leaves) >= 40


def test_drill_is_repeatable_for_a_seed(pack: Pack) -> None:
    first, again = drill(pack, 7), drill(pack, 7)
    assert (first.scenario, first.answer.id, first.choices) == (
        again.scenario,
        again.answer.id,
        again.choices,
    )


def test_drill_cli_prints_a_scenario_and_the_explanation(pack: Pack) -> None:
    view = drill(pack, 11)
    right = 1 + [leaf for leaf, _ in view.choices].index(view.answer.id)
    result = runner.invoke(app, ["advise", "--drill", "--seed", "11"], input=f"{right}\n")
    assert result.exit_code == 0, result.output
    assert "Right." in result.output
    assert view.scenario.split()[0] in result.output


# ---------------------------------------------------------------- (f) tree output and errors


def test_tree_json_has_the_documented_shape(tree: AdvisorTree) -> None:
    data = run_json("--tree")
    assert data["root"] == tree.root
    assert {n["id"] for n in data["nodes"]} == {n.id for n in tree.nodes}
    for node in data["nodes"]:
        assert node["question"] and node["choices"]
        for choice in node["choices"]:
            assert {"id", "label", "next", "leaf"} <= set(choice)
            assert (choice["next"] is None) != (choice["leaf"] is None)
    assert {x["id"] for x in data["leaves"]} == {x.id for x in tree.leaves}
    for leaf in data["leaves"]:
        assert {"product", "former_names", "why", "instead", "sources", "questions"} <= set(leaf)
        assert isinstance(leaf["former_names"], list) and isinstance(leaf["questions"], list)
        assert leaf["sources"]
    formers = {x["id"]: x["former_names"] for x in data["leaves"]}
    assert "Vertex AI Search" in formers["l-agent-search"]


def test_tree_mermaid_and_outline() -> None:
    mermaid = runner.invoke(app, ["advise", "--tree", "--mermaid"])
    assert mermaid.exit_code == 0, mermaid.output
    assert mermaid.stdout.startswith("flowchart")
    assert "d_goal" in mermaid.stdout
    outline = runner.invoke(app, ["advise", "--tree"])
    assert outline.exit_code == 0, outline.output
    assert "What do you need to decide right now?" in outline.stdout


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (["d-nowhere=build"], "d-nowhere"),
        (["d-goal=teleport"], "teleport"),
        (["d-goal=serve", "d-prep-size=fits-memory"], "d-prep-size"),
        (["d-goal"], "NODE=CHOICE"),
    ],
    ids=["unknown-node", "unknown-choice", "off-path", "malformed"],
)
def test_bad_answers_exit_2_with_a_clear_message(answers: list[str], message: str) -> None:
    result = runner.invoke(app, ["advise", *answer_args(tuple(answers)), "--json"])
    assert result.exit_code == 2
    assert message in result.output


def test_interactive_walk_offers_to_practise_the_linked_questions(
    pack: Pack, tree: AdvisorTree
) -> None:
    """Answer by choice numbers down to a leaf that links questions, accept the offer, stop."""
    nodes = {n.id: n for n in tree.nodes}
    leaves = {leaf.id: leaf for leaf in tree.leaves}

    def path_to_linked_leaf(node_id: str) -> list[int] | None:
        for index, choice in enumerate(nodes[node_id].choices, 1):
            if choice.leaf is not None and leaves[choice.leaf].questions:
                return [index]
            if choice.next is not None:
                rest = path_to_linked_leaf(choice.next)
                if rest is not None:
                    return [index, *rest]
        return None

    steps = path_to_linked_leaf(tree.root)
    assert steps is not None
    typed = "".join(f"{n}\n" for n in steps) + "y\nq\n"
    result = runner.invoke(app, ["advise"], input=typed)
    assert result.exit_code == 0, result.output
    assert "Recommendation:" in result.output
    assert "Practise the" in result.output
    assert "Answer (letters), s to skip, q to stop:" in result.output
    assert "Practice 1: not finished — no question was answered" in result.output


# ---------------------------------------------------------------- (g) names on leaves


def test_leaf_names_come_from_names_yaml_and_agree_with_the_rename_map(
    pack: Pack, tree: AdvisorTree
) -> None:
    renames: dict[str, list[str]] = yaml.safe_load(
        (DATA / "rename-map.yaml").read_text(encoding="utf-8")
    )
    products = {p.id: p for p in pack.names}
    for leaf in tree.leaves:
        view = leaf_view(pack, leaf)
        assert "formerly" not in view.product.lower(), leaf.id
        if leaf.name is None:
            assert view.former_names == [], leaf.id
            continue
        current = products[leaf.name].name
        assert view.product.startswith(current), leaf.id
        assert view.former_names == [f.name for f in products[leaf.name].former], leaf.id
        wrong = set(view.former_names) - set(renames.get(current, []))
        assert not wrong, (leaf.id, current, wrong)
        assert set(view.uses) <= {p.name for p in pack.names}, leaf.id


def test_the_names_the_issue_found_wrong_are_right(pack: Pack, tree: AdvisorTree) -> None:
    views = {leaf.id: leaf_view(pack, leaf) for leaf in tree.leaves}
    assert views["l-model-armor"].product == "Model Armor"
    assert views["l-model-armor"].former_names == []
    assert views["l-agent-search"].former_names[0] == "Vertex AI Search"
    assert "Cloud ML Engine" not in views["l-agent-search"].former_names
    assert views["l-rag-engine"].product == "RAG Engine"
    assert views["l-rag-engine"].former_names == ["Vertex AI RAG Engine"]


@pytest.mark.parametrize("leaf", ["l-agent-search", "l-rag-engine", "l-monitoring-skew"])
def test_a_recommendation_says_formerly_once(pack: Pack, leaf: str) -> None:
    path = next(p for p in drill_paths(engine_tree(pack)) if p[-1].leaf == leaf)
    answers = answers_along(engine_tree(pack), [b.id for b in path])
    result = runner.invoke(app, ["advise", *answer_args(answers)])
    assert result.exit_code == 0, result.output
    assert result.output.lower().count("formerly") == 1, result.output


# ---------------------------------------------------------------- (h) "not sure"


def test_every_question_offers_not_sure_that_follows_its_common_branch(tree: AdvisorTree) -> None:
    data = run_json("--answer", "d-goal=not-sure")
    assert data["next"]["id"] == "d-output-kind"
    assert data["next"]["not_sure"] == {"id": "not-sure", "follows": "predict"}
    assert data["path"][0]["unsure"] is True and data["path"][0]["choice"] == "build"
    assert all(node.common in {c.id for c in node.choices} for node in tree.nodes)


def test_not_sure_lists_the_alternative_at_the_end(pack: Pack) -> None:
    answers = answers_along(engine_tree(pack), ["develop", "notebook", NOT_SURE])
    result = run_json(*answer_args(answers))["result"]
    assert result["leaf"] == "l-colab-enterprise"
    assert result["unsure"] == [
        {
            "node": "d-notebook",
            "question": "What matters more for the notebook environment?",
            "assumed": result["path"][-1]["label"],
            "otherwise": [
                {
                    "answer": "Control of the environment: your own JupyterLab instance, "
                    "machine, packages and extensions",
                    "products": ["Agent Platform Workbench"],
                }
            ],
        }
    ]
    assert "l-workbench" not in {r["leaf"] for r in result["ruled_out"]}
    typed = runner.invoke(app, ["advise", *answer_args(answers)])
    assert "You were not sure" in typed.output and "Agent Platform Workbench" in typed.output


def test_the_rules_question_is_no_longer_asked_of_everyone() -> None:
    data = run_json("--answer", "d-goal=build")
    assert data["next"]["id"] == "d-output-kind"
    predict = run_json("--answer", "d-goal=build", "--answer", "d-output-kind=predict")
    assert "no-data-yet" in {c["id"] for c in predict["next"]["choices"]}
