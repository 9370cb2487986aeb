"""Export the question bank as an IMS QTI 2.1 content package (a zip with imsmanifest.xml)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from examprep.services.context import Context
from examprep.services.exports import (
    LETTERS,
    ExportReport,
    authored_questions,
    items_by_subsection,
    selected_sections,
    write_atomically,
)

if TYPE_CHECKING:
    from examprep.content.pack import Pack
    from examprep.content.schema import Question

QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_XSD = "http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
ZIP_TIME = (2000, 1, 1, 0, 0, 0)  # fixed, so the same bank always gives the same bytes


def identifier(item_id: str) -> str:
    """A QTI/IMS identifier (an XML NCName) for one of our ids, which may start with a digit."""
    return item_id if item_id[:1].isalpha() else f"i{item_id}"


def _q(tag: str) -> str:
    # Plain names: the root's xmlns attribute puts the whole document in the QTI namespace
    # (ElementTree's default_namespace option refuses unqualified attributes).
    return tag


def _root(tag: str, namespace: str, schemas: str, **attrs: str) -> ET.Element:
    return ET.Element(
        tag, {"xmlns": namespace, "xmlns:xsi": XSI, "xsi:schemaLocation": schemas, **attrs}
    )


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, _q(tag), attrs)
    element.text = text
    return element


def _paragraphs(parent: ET.Element, text: str) -> None:
    for para in (p.strip() for p in text.split("\n\n")):
        if para:
            _sub(parent, "p", para)


def _set_outcome(parent: ET.Element, name: str, value: str) -> None:
    outcome = _sub(parent, "setOutcomeValue", identifier=name)
    _sub(outcome, "baseValue", value, baseType="float")


def _response_processing(item: ET.Element) -> None:
    processing = _sub(item, "responseProcessing")
    condition = _sub(processing, "responseCondition")
    when = _sub(condition, "responseIf")
    match = _sub(when, "match")
    _sub(match, "variable", identifier="RESPONSE")
    _sub(match, "correct", identifier="RESPONSE")
    _set_outcome(when, "SCORE", "1")
    _set_outcome(_sub(condition, "responseElse"), "SCORE", "0")
    # FEEDBACK holds the chosen options, so each chosen option's explanation is shown
    feedback = _sub(processing, "setOutcomeValue", identifier="FEEDBACK")
    _sub(feedback, "variable", identifier="RESPONSE")


def item_xml(question: Question) -> ET.Element:
    """One assessmentItem: a choiceInteraction, all-or-nothing scoring, feedback per option."""
    cardinality = "single" if question.kind == "single" else "multiple"
    item = _root(
        "assessmentItem", QTI, f"{QTI} {QTI_XSD}", identifier=identifier(question.id),
        title=question.id, adaptive="false", timeDependent="false",
    )  # fmt: skip
    response = _sub(
        item, "responseDeclaration", identifier="RESPONSE", cardinality=cardinality,
        baseType="identifier",
    )  # fmt: skip
    correct = _sub(response, "correctResponse")
    for index in question.key:
        _sub(correct, "value", LETTERS[index])
    score = _sub(item, "outcomeDeclaration", identifier="SCORE", cardinality="single",
                 baseType="float")  # fmt: skip
    _sub(_sub(score, "defaultValue"), "value", "0")
    _sub(item, "outcomeDeclaration", identifier="FEEDBACK", cardinality=cardinality,
         baseType="identifier")  # fmt: skip
    body = _sub(item, "itemBody")
    _paragraphs(body, question.stem)
    interaction = _sub(
        body, "choiceInteraction", responseIdentifier="RESPONSE", shuffle="false",
        maxChoices=str(question.choose), minChoices="0",
    )  # fmt: skip
    if question.kind == "multi":
        _sub(interaction, "prompt", f"Choose {question.choose}.")
    for index, option in enumerate(question.options):
        _sub(interaction, "simpleChoice", option.text, identifier=LETTERS[index])
    _response_processing(item)
    for index, option in enumerate(question.options):
        verdict = "Correct" if option.correct else "Incorrect"
        _sub(
            item, "modalFeedback", f"{LETTERS[index]}: {verdict}. {option.why}",
            outcomeIdentifier="FEEDBACK", identifier=LETTERS[index], showHide="show",
        )  # fmt: skip
    return item


def assessment_test_xml(pack: Pack, sections: dict[str, list[Question]]) -> ET.Element:
    """The assessmentTest: one assessmentSection per pack section, items referenced by file."""
    test = _root("assessmentTest", QTI, f"{QTI} {QTI_XSD}", identifier=identifier(pack.id),
                 title=pack.meta.title)  # fmt: skip
    part = _sub(test, "testPart", identifier="part1", navigationMode="nonlinear",
                submissionMode="simultaneous")  # fmt: skip
    titles = {s.id: s.title for s in pack.sections}
    for section_id, questions in sections.items():
        section = _sub(part, "assessmentSection", identifier=identifier(section_id),
                       title=f"{section_id} {titles[section_id]}", visible="true")  # fmt: skip
        for question in questions:
            _sub(section, "assessmentItemRef", identifier=identifier(question.id),
                 href=f"items/{identifier(question.id)}.xml")  # fmt: skip
    return test


def manifest_xml(pack: Pack, questions: list[Question]) -> ET.Element:
    """imsmanifest.xml: the test and every item as IMS Content Packaging resources."""
    manifest = _root("manifest", CP, f"{CP} {CP_XSD} {QTI} {QTI_XSD}",
                     identifier=f"MANIFEST-{identifier(pack.id)}")  # fmt: skip
    metadata = ET.SubElement(manifest, "metadata")
    ET.SubElement(metadata, "schema").text = "QTIv2.1 Package"
    ET.SubElement(metadata, "schemaversion").text = "1.0.0"
    ET.SubElement(manifest, "organizations")
    resources = ET.SubElement(manifest, "resources")
    test = ET.SubElement(resources, "resource", identifier="test",
                         type="imsqti_test_xmlv2p1", href="test.xml")  # fmt: skip
    ET.SubElement(test, "file", href="test.xml")
    for question in questions:
        ET.SubElement(test, "dependency", identifierref=identifier(question.id))
    for question in questions:
        href = f"items/{identifier(question.id)}.xml"
        resource = ET.SubElement(resources, "resource",
                                 identifier=identifier(question.id),
                                 type="imsqti_item_xmlv2p1", href=href)  # fmt: skip
        ET.SubElement(resource, "file", href=href)
    return manifest


def _bytes(element: ET.Element) -> bytes:
    ET.indent(element)
    text: bytes = ET.tostring(element, encoding="utf-8", xml_declaration=True)
    return text + b"\n"


def qti_files(pack: Pack, sections: Sequence[str] | None = None) -> dict[str, bytes]:
    """Every file of the package by its path in the zip."""
    bank = authored_questions(pack)
    by_section = {
        s.id: [q for items in items_by_subsection(s, bank).values() for q in items]
        for s in selected_sections(pack, sections)
    }
    questions = [q for items in by_section.values() for q in items]
    files = {f"items/{identifier(q.id)}.xml": _bytes(item_xml(q)) for q in questions}
    files["test.xml"] = _bytes(assessment_test_xml(pack, by_section))
    files["imsmanifest.xml"] = _bytes(manifest_xml(pack, questions))
    return files


def _write_zip(path: Path, files: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ["imsmanifest.xml", *sorted(n for n in files if n != "imsmanifest.xml")]:
            archive.writestr(zipfile.ZipInfo(name, ZIP_TIME), files[name], zipfile.ZIP_DEFLATED)


def export_qti(ctx: Context, path: Path, sections: Sequence[str] | None = None) -> ExportReport:
    """Write the question bank as a QTI 2.1 package (for Canvas and other LMSs)."""
    files = qti_files(ctx.pack, sections)
    write_atomically(path, lambda tmp: _write_zip(tmp, files))
    count = sum(1 for name in files if name.startswith("items/"))
    return ExportReport(path, 0, count, [s.id for s in selected_sections(ctx.pack, sections)])
