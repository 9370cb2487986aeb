"""The product-choice advisor on the bundled pack: scenarios through the CLI, tree shape, drills."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import pytest
from typer.testing import CliRunner

from examprep.cli.app import app
from examprep.config import Settings
from examprep.content.loader import Pack, load_pack
from examprep.content.schema import AdvisorTree
from examprep.engine.advisor import drill_paths
from examprep.services.advisor import advise, drill, engine_tree

runner = CliRunner()

# Official documentation hosts (a source may be on the host or one of its subdomains).
OFFICIAL_HOSTS = ("cloud.google.com", "developers.google.com", "tensorflow.org", "kubeflow.org")

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
}


@dataclass(frozen=True)
class Scenario:
    """A described situation, the answers a user would give for it, and the expected leaf."""

    situation: str
    answers: tuple[str, ...]
    leaf: str


BUILD = ("d-goal=build", "d-ml-needed=needs-ml")
GENAI = (*BUILD, "d-output-kind=generate")
GROUNDED = (*GENAI, "d-genai-grounding=own-data")
UNGROUNDED = (*GENAI, "d-genai-grounding=model-knowledge")
SINGLE_TASK = (*UNGROUNDED, "d-genai-dialog=single-task")
GEMINI = (*SINGLE_TASK, "d-model-family=gemini")
OPEN_MODEL = (*SINGLE_TASK, "d-model-family=open-model")
PREDICT = (*BUILD, "d-output-kind=predict")
API = (*PREDICT, "d-predict-kind=generic-perception")
TEXT_API = (*API, "d-api-input=text")
RETAIL = (*PREDICT, "d-predict-kind=retail")
OWN = (*PREDICT, "d-predict-kind=own-target")
CUSTOM = (*OWN, "d-train-where=custom-code")
SERVERLESS_TRAINING = (*CUSTOM, "d-train-platform=managed-jobs")
PREP = ("d-goal=prepare", "d-prep-goal=transform")
NOT_TF = (*PREP, "d-prep-tf=other-model")
BIG_DATA = (*NOT_TF, "d-prep-size=too-large")
PIPELINE = ("d-goal=orchestrate", "d-orchestrate=ml-steps")
MANAGED_PIPELINE = (*PIPELINE, "d-pipeline-runtime=serverless")
TRIGGER = ("d-goal=orchestrate", "d-orchestrate=run-triggers")
BATCH = ("d-goal=serve", "d-serve-timing=offline")
ONLINE = ("d-goal=serve", "d-serve-timing=online")
EDGE = (*ONLINE, "d-serve-location=device")
CLOUD = (*ONLINE, "d-serve-location=cloud")
ENDPOINT = (*CLOUD, "d-serve-platform=agent-platform")
PUBLIC = (*ENDPOINT, "d-endpoint-access=public-api")
MONITOR = ("d-goal=monitor",)
INPUTS = (*MONITOR, "d-monitor-what=predictive-inputs")
ONLINE_INPUTS = (*INPUTS, "d-monitor-where=endpoint")

SCENARIOS = [
    Scenario(
        "A shop sends every order above 10,000 euros to manual review; that one threshold works "
        "and there is no fraud history to learn from.",
        ("d-goal=build", "d-ml-needed=rules-suffice"),
        "l-no-ml",
    ),
    Scenario(
        "HR wants a help desk that answers staff questions from the policy handbook with "
        "citations, and has no engineers to build retrieval.",
        (*GROUNDED, "d-retrieval-build=none"),
        "l-agent-search",
    ),
    Scenario(
        "A legal-tech startup answers questions over contracts and wants to choose its own "
        "chunking and embedding model without running the orchestration.",
        (*GROUNDED, "d-retrieval-build=framework"),
        "l-rag-engine",
    ),
    Scenario(
        "A knowledge-base assistant's team already embeds every article with its own model and "
        "needs millisecond nearest-neighbour retrieval over 300 million vectors.",
        (*GROUNDED, "d-retrieval-build=index-only"),
        "l-vector-search",
    ),
    Scenario(
        "An airline wants a voice bot that walks callers through the rebooking procedure step by "
        "step and hands over to an agent when needed.",
        (*UNGROUNDED, "d-genai-dialog=designed-flows"),
        "l-conversational-agents",
    ),
    Scenario(
        "An app summarises meeting notes; a prompt with two examples passes the evaluation set "
        "and traffic is a few hundred calls a day.",
        (*GEMINI, "d-prompt-quality=meets-bar", "d-genai-cost=no-pressure"),
        "l-gemini-prompting",
    ),
    Scenario(
        "Claims handlers ask thousands of questions a day about the same 500-page policy PDF.",
        (*GEMINI, "d-prompt-quality=meets-bar", "d-genai-cost=repeated-context"),
        "l-context-caching",
    ),
    Scenario(
        "A news archive must summarise two million old articles, and the results can arrive "
        "tomorrow.",
        (*GEMINI, "d-prompt-quality=meets-bar", "d-genai-cost=bulk-offline"),
        "l-genai-batch",
    ),
    Scenario(
        "A shopping assistant with steady heavy traffic gets 429 errors at peak hours and finance "
        "wants a predictable bill.",
        (*GEMINI, "d-prompt-quality=meets-bar", "d-genai-cost=guaranteed-capacity"),
        "l-provisioned-throughput",
    ),
    Scenario(
        "An intent router sends millions of one-line requests a day to a large model, and the "
        "cost per call is too high for such a simple task.",
        (*GEMINI, "d-prompt-quality=meets-bar", "d-genai-cost=per-call-cost"),
        "l-smaller-model",
    ),
    Scenario(
        "Bank analysts want answers in the house style; prompting is inconsistent, and the "
        "approved examples sit in a BigQuery table that they query with SQL.",
        (*GEMINI, "d-prompt-quality=falls-short", "d-tuning-home=bigquery-sql"),
        "l-tune-gemini-bigquery",
    ),
    Scenario(
        "An extraction feature must return a strict JSON layout that prompts do not hold; the "
        "team has labelled JSONL files in Cloud Storage and works in Python.",
        (*GEMINI, "d-prompt-quality=falls-short", "d-tuning-home=files-python"),
        "l-tune-gemini-sft",
    ),
    Scenario(
        "Marketing wants social-media images and eight-second clips generated from briefs.",
        (*SINGLE_TASK, "d-model-family=media"),
        "l-media-generation",
    ),
    Scenario(
        "A startup wants to try Llama for a summariser without buying or reserving any GPUs.",
        (*OPEN_MODEL, "d-open-model-serving=managed-api"),
        "l-open-model-maas",
    ),
    Scenario(
        "A defence supplier must run its fine-tuned Gemma weights on dedicated GPUs inside its "
        "own VPC.",
        (*OPEN_MODEL, "d-open-model-serving=self-deploy"),
        "l-open-model-self-deploy",
    ),
    Scenario(
        "A marketplace must spot logos and unsafe content in uploaded photos, with no labels of "
        "its own.",
        (*API, "d-api-input=images"),
        "l-vision-api",
    ),
    Scenario(
        "Accounts payable wants supplier, date and total out of thousands of scanned invoices.",
        (*API, "d-api-input=documents"),
        "l-document-ai",
    ),
    Scenario(
        "A travel site shows hotel reviews written in 30 languages to readers in English.",
        (*TEXT_API, "d-text-task=translate"),
        "l-translation",
    ),
    Scenario(
        "A brand tracks whether posts about it are positive or negative.",
        (*TEXT_API, "d-text-task=analyse"),
        "l-natural-language",
    ),
    Scenario(
        "A hospital wants medications and diagnoses pulled out of discharge summaries.",
        (*TEXT_API, "d-text-task=clinical"),
        "l-clinical-gemini",
    ),
    Scenario(
        "A call centre needs written transcripts of last year's recorded calls.",
        (*API, "d-api-input=audio"),
        "l-speech-to-text",
    ),
    Scenario(
        "A broadcaster wants scene tags and summaries for its video archive.",
        (*API, "d-api-input=video"),
        "l-video-gemini",
    ),
    Scenario(
        "An online bookshop wants a 'customers also bought' panel on every product page.",
        (*RETAIL, "d-retail-need=recommend"),
        "l-recommendations-ai",
    ),
    Scenario(
        "A fashion shop's site search returns poor results for 'red summer dress'.",
        (*RETAIL, "d-retail-need=search"),
        "l-commerce-search",
    ),
    Scenario(
        "Telecom analysts predict churn from a customer table in BigQuery and work only in SQL.",
        (*OWN, "d-train-where=sql-team"),
        "l-bqml",
    ),
    Scenario(
        "A factory wants photos classified into its own five defect types with minimal code.",
        (*OWN, "d-train-where=low-code"),
        "l-automl",
    ),
    Scenario(
        "An insurer wants claim emails routed into its own 15 categories and used to do this "
        "with an AutoML text model.",
        (*OWN, "d-train-where=text-labels"),
        "l-gemini-text-labels",
    ),
    Scenario(
        "A chatbot's answers must stay in a strict tone that prompts cannot hold; 3,000 approved "
        "replies are JSONL files that the Python team already maintains.",
        (*GEMINI, "d-prompt-quality=falls-short", "d-tuning-home=files-python"),
        "l-tune-gemini-sft",
    ),
    Scenario(
        "Researchers wrote a PyTorch model with a custom loss, want serverless jobs and only "
        "add the transformers package.",
        (*SERVERLESS_TRAINING, "d-train-container=prebuilt-fits"),
        "l-prebuilt-training-container",
    ),
    Scenario(
        "A geospatial model needs the GDAL system library and a compiled C++ tool at run time.",
        (*SERVERLESS_TRAINING, "d-train-container=custom-needed"),
        "l-custom-training-container",
    ),
    Scenario(
        "Training must run on the company's GKE cluster and its on-premises cluster alike.",
        (*CUSTOM, "d-train-platform=kubernetes"),
        "l-kubeflow-trainer",
    ),
    Scenario(
        "The data scientists' tuning code is already written with Ray.",
        (*CUSTOM, "d-train-platform=ray"),
        "l-ray",
    ),
    Scenario(
        "A TensorFlow model needs vocabularies and normalisation computed over all the data and "
        "applied the same way at serving.",
        (*PREP, "d-prep-tf=tf-full-pass"),
        "l-tf-transform",
    ),
    Scenario(
        "A 50 MB CSV feeds a scikit-learn model.",
        (*NOT_TF, "d-prep-size=fits-memory"),
        "l-pandas",
    ),
    Scenario(
        "The data team has years of PySpark jobs from its Hadoop cluster.",
        (*BIG_DATA, "d-prep-engine=spark-code"),
        "l-managed-spark",
    ),
    Scenario(
        "Ten terabytes of sales tables in BigQuery feed an XGBoost model, rebuilt nightly.",
        (*BIG_DATA, "d-prep-engine=bigquery-batch"),
        "l-bigquery-sql",
    ),
    Scenario(
        "Features are computed over five-minute windows of IoT sensor events from Pub/Sub.",
        (*BIG_DATA, "d-prep-engine=stream-unstructured"),
        "l-dataflow",
    ),
    Scenario(
        "Fraud features are shared by three teams, and the scoring service needs fresh values "
        "in milliseconds.",
        ("d-goal=prepare", "d-prep-goal=share-serve"),
        "l-feature-store",
    ),
    Scenario(
        "Retraining is one step in a company-wide nightly DAG of ETL, exports and reports.",
        ("d-goal=orchestrate", "d-orchestrate=wider-workflow"),
        "l-managed-airflow",
    ),
    Scenario(
        "Pipelines must run on the team's existing GKE cluster for portability.",
        (*PIPELINE, "d-pipeline-runtime=own-cluster"),
        "l-kfp-gke",
    ),
    Scenario(
        "A TFX workflow processes terabytes of structured data and should run serverlessly.",
        (*MANAGED_PIPELINE, "d-pipeline-sdk=tfx"),
        "l-pipelines-tfx",
    ),
    Scenario(
        "A PyTorch workflow with AutoML and BigQuery steps should run serverlessly with lineage.",
        (*MANAGED_PIPELINE, "d-pipeline-sdk=kfp"),
        "l-pipelines-kfp",
    ),
    Scenario(
        "The existing pipeline should retrain the model every Sunday night.",
        (*TRIGGER, "d-pipeline-trigger=calendar"),
        "l-pipeline-schedule",
    ),
    Scenario(
        "Retraining should start whenever a supplier uploads a new file to the bucket.",
        (*TRIGGER, "d-pipeline-trigger=event"),
        "l-event-trigger",
    ),
    Scenario(
        "Every merged pull request must test, build and redeploy the pipeline components.",
        (*TRIGGER, "d-pipeline-trigger=code-change"),
        "l-cloud-build",
    ),
    Scenario(
        "A churn model built with CREATE MODEL must score every customer row each night.",
        (*BATCH, "d-batch-where=bqml-model"),
        "l-bqml-predict",
    ),
    Scenario(
        "An AutoML tabular model in Model Registry scores weekly CSV drops in Cloud Storage.",
        (*BATCH, "d-batch-where=registry-model"),
        "l-batch-inference",
    ),
    Scenario(
        "A plant-identification model must work offline inside an Android app.",
        (*EDGE, "d-edge-runtime=android-embedded"),
        "l-edge-tflite",
    ),
    Scenario(
        "A website classifies visitors' photos without uploading them anywhere.",
        (*EDGE, "d-edge-runtime=browser"),
        "l-edge-tfjs",
    ),
    Scenario(
        "Field inspectors use an iPhone app in tunnels without coverage.",
        (*EDGE, "d-edge-runtime=apple"),
        "l-edge-coreml",
    ),
    Scenario(
        "Factory cameras each carry a Coral USB accelerator.",
        (*EDGE, "d-edge-runtime=edge-tpu"),
        "l-edge-tpu",
    ),
    Scenario(
        "A bank's internal apps must call the model only over private connectivity.",
        (*ENDPOINT, "d-endpoint-access=private-network"),
        "l-private-endpoint",
    ),
    Scenario(
        "A scikit-learn model.joblib goes behind a managed endpoint with canary traffic splits.",
        (*PUBLIC, "d-serving-container=prebuilt-fits"),
        "l-prebuilt-serving-container",
    ),
    Scenario(
        "Requests need custom tokenisation before the model and score calibration after it.",
        (*PUBLIC, "d-serving-container=custom-needed"),
        "l-custom-serving-container",
    ),
    Scenario(
        "An internal tool calls the model a few times an hour, so it should cost nothing when idle.",
        (*CLOUD, "d-serve-platform=cloud-run"),
        "l-cloud-run",
    ),
    Scenario(
        "The platform team runs KServe with Istio canaries on its own cluster.",
        (*CLOUD, "d-serve-platform=gke"),
        "l-gke-serving",
    ),
    Scenario(
        "A BigQuery ML model's serving data should be checked against its training statistics.",
        (*INPUTS, "d-monitor-where=bigquery"),
        "l-bqml-data-validation",
    ),
    Scenario(
        "An endpoint's requests should be compared with the training data kept in BigQuery.",
        (*ONLINE_INPUTS, "d-monitor-baseline=training-data"),
        "l-monitoring-skew",
    ),
    Scenario(
        "The training data is gone; the team wants to know when this month's inputs shift.",
        (*ONLINE_INPUTS, "d-monitor-baseline=recent-traffic"),
        "l-monitoring-drift",
    ),
    Scenario(
        "A weekly batch scoring job should flag inputs unlike the training data.",
        (*INPUTS, "d-monitor-where=batch-job"),
        "l-monitoring-batch-skew",
    ),
    Scenario(
        "Loan defaults become known months later, and the bank wants to see if accuracy drops.",
        (*MONITOR, "d-monitor-what=predictive-quality"),
        "l-eval-labels",
    ),
    Scenario(
        "A new prompt version must prove it is at least as grounded as the current one.",
        (*MONITOR, "d-monitor-what=genai-quality"),
        "l-genai-eval",
    ),
    Scenario(
        "A chatbot must block prompt injection and stop card numbers leaking in answers.",
        (*MONITOR, "d-monitor-what=genai-safety"),
        "l-model-armor",
    ),
]


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load_pack()


@pytest.fixture(autouse=True)
def _bundled_pack_loaded_once(pack: Pack, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every CLI call below uses the bundled pack; parse it once per module, not per call."""

    def bundled(settings: Settings) -> Pack:
        assert settings.pack_path is None, "these tests run on the default (bundled) pack"
        return pack

    monkeypatch.setattr("examprep.services.packs.load_pack_for", bundled)


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
def test_scenario_reaches_the_expected_leaf(scenario: Scenario) -> None:
    data = run_json(*answer_args(scenario.answers))
    assert data["next"] is None, scenario.situation
    result = data["result"]
    assert result["leaf"] == scenario.leaf, scenario.situation
    assert [f"{s['node']}={s['choice']}" for s in result["path"]] == list(scenario.answers)
    assert result["product"] and result["why"] and result["sources"]
    assert scenario.leaf not in {r["leaf"] for r in result["ruled_out"]}


def test_scenarios_are_many_and_cover_most_leaves(tree: AdvisorTree) -> None:
    assert len(SCENARIOS) >= 40
    covered = {s.leaf for s in SCENARIOS}
    assert len(covered) >= 30
    assert covered <= {leaf.id for leaf in tree.leaves}
    assert len({s.situation for s in SCENARIOS}) == len(SCENARIOS)


def test_partial_answers_return_the_next_question() -> None:
    data = run_json("--answer", "d-goal=serve")
    assert data["result"] is None
    assert data["next"]["id"] == "d-serve-timing"
    assert {c["id"] for c in data["next"]["choices"]} == {"offline", "online"}
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
    """Product names (current, short and former) that would give `leaf_id` away."""
    products = {p.id: p for p in pack.names}
    leaf = next(x for x in pack.advisor.leaves if x.id == leaf_id) if pack.advisor else None
    assert leaf is not None
    terms = list(GIVEAWAYS.get(leaf_id, ()))
    for pid in leaf.names:
        product = products[pid]
        names = [product.name, *(f.name for f in product.former)]
        if product.short:
            names.append(product.short)
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
