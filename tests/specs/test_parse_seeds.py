"""The five awarding-body seed texts parse into the exact trees a person reads in them."""

from __future__ import annotations

import re

import pytest

from assessor_app.specs.parser import parse_file
from tests.specs.helpers import seed

META = {
    "000": ("Principles of customer relationships", "K/503/8194", 2, 3, 18, "OCR", "52"),
    "001": ("Build and maintain effective customer relations", "L/601/1239", 4, 8, 53, "OCR", "8"),
    "002": ("Principles of customer relationships", "K/503/8194", 2, 3, 18, "City & Guilds", "238"),
    "003": ("Understand customers and customer retention", "J/506/2910", 3, 4, 35, "OCR", "3"),
    "004": ("Improve the customer relationship", "H/601/1232", 3, 7, 47, "OCR", "20"),
}
COUNTS = {
    "000": [4, 8, 5],
    "001": [4, 5, 9],
    "002": [4, 8, 5],
    "003": [5, 6, 3],
    "004": [3, 6, 4, 4],
}


@pytest.mark.parametrize("prefix", sorted(META))
def test_header_fields(prefix: str) -> None:
    spec = parse_file(seed(prefix))
    title, ref, level, credits, glh, body, number = META[prefix]
    assert (spec.title, spec.reference, spec.level, spec.credit_value, spec.glh) == (
        title, ref, level, credits, glh)
    assert [(p.awarding_body, p.unit_number) for p in spec.publications] == [(body, number)]


@pytest.mark.parametrize("prefix", sorted(COUNTS))
def test_outcome_and_criteria_counts_and_numbering(prefix: str) -> None:
    spec = parse_file(seed(prefix))
    assert [len(o.criteria) for o in spec.outcomes] == COUNTS[prefix]
    for o in spec.outcomes:
        assert [c.number for c in o.criteria] == [f"{o.number}.{k}" for k in
                                                   range(1, len(o.criteria) + 1)]


@pytest.mark.parametrize("prefix", sorted(COUNTS))
def test_texts_are_clean(prefix: str) -> None:
    spec = parse_file(seed(prefix))
    texts = [o.text for o in spec.outcomes] + [c.text for c in spec.criteria]
    texts += [i for o in spec.outcomes for n in o.notes for i in n.items]
    for t in texts:
        assert t == t.strip() and "  " not in t and "\n" not in t, t
        assert not re.search("[\uf0b7\uf0fc\u2022]", t), t
        assert not re.search(r"\d+\.\d+", t), f"a criterion number leaked into {t!r}"


@pytest.mark.parametrize(("prefix", "number", "text"), [
    ("000", "1.1", "Describe the importance of understanding customers’ wants and needs"),
    ("000", "3.4", "Explain the importance of keeping customers informed of progress, problems, "
                   "issues and the actions undertaken in support of them"),
    ("000", "3.5", "Explain how to identify added value that could be offered to customers."),
    ("001", "1.1", "Identify the types of customers with whom they should build longer term "
                   "customer relations and promote loyalty"),
    ("001", "3.5", "Explain how to communicate with customers, especially when they are "
                   "dissatisfied with products and services"),
    ("001", "3.6", "Explain how to negotiate with customers in a way that balances customer "
                   "expectations with the expectations of their own organisation"),
    ("001", "3.9", "Describe methods of monitoring customer satisfaction appropriate to their "
                   "level of authority in the organisation"),
    ("002", "2.2", "explain the importance of developing customer service plans and customer "
                   "relationship plans"),
    ("002", "1.4", "explain the importance of seeking customer feedback on performance, products "
                   "and/or services."),
    ("003", "1.1", "Explain the concept of the “customer experience”"),
    ("003", "1.2", "Explain different methods of segmenting and characterising customers"),
    ("003", "1.3", "Explain the purpose and scope of CRM"),
    ("003", "3.3", "Explain the features and uses of a range of techniques to measure customer "
                   "satisfaction"),
    ("004", "1.2", "take the initiative to contact their customers to update them when things are "
                   "not going to plan or when they require further information"),
    ("004", "4.2", "explain how to negotiate effectively with their customers"),
])
def test_criterion_text(prefix: str, number: str, text: str) -> None:
    spec = parse_file(seed(prefix))
    assert {c.number: c.text for c in spec.criteria}[number] == text


def test_outcome_texts() -> None:
    assert [o.text for o in parse_file(seed("003")).outcomes] == [
        "Understand customer relationship management (CRM)",
        "Understand customer retention",
        "Understand the measurement of customer satisfaction",
    ]
    assert parse_file(seed("000")).outcomes[1].text == (
        "Understand an organisation’s responses to customer relationships")


def test_teaching_content_column_is_separated_and_rejoined() -> None:
    spec = parse_file(seed("001"))
    notes = spec.outcomes[2].notes
    assert all(n.kind == "teaching_content" for n in notes)
    explain = next(n for n in notes if n.heading == "Candidates must be able to explain")
    # The bullet the page break cut in two ("long-" … "term relationships with customers").
    assert explain.items[0] == (
        "appropriate methods for establishing initial and long-term relationships with customers")
    assert explain.items[-1] == "appropriate methods of monitoring customer satisfaction in their organisation."
    assert len(explain.items) == 6
    first = spec.outcomes[0].notes
    typical = next(n for n in first if n.heading.startswith("Typical customers"))
    assert typical.items[:3] == ["internal and external", "ages", "gender"]


def test_city_and_guilds_range_blocks() -> None:
    spec = parse_file(seed("002"))
    seg, factors = spec.outcomes[0].notes
    assert (seg.kind, seg.heading, seg.criterion) == ("range", "Segmentation", "1.2")
    assert seg.items == ["age", "gender", "religion", "culture", "income", "lifestyle"]
    assert factors.heading == "Factors" and factors.items[-1] == "advertising"
    notes2 = {n.heading: n for n in spec.outcomes[1].notes}
    assert notes2["Customer service plan"].body == "General to an organisation."
    assert notes2["System"].criterion is None  # two criteria mention "system"
    assert notes2["System"].items == ["verbal", "non-verbal", "survey", "questionnaire", "emails",
                                      "texting", "phone", "face to face"]
    assert spec.outcomes[2].notes == []
    assert all(n.awarding_body == "City & Guilds" for o in spec.outcomes for n in o.notes)
    assert spec.aim.startswith("This unit concerns understanding customers")
    assert spec.assessment == ("All Assessment Criteria must be met and assessed in line with "
                               "Skills CFA Assessment Strategy.")


def test_additional_guidance_column() -> None:
    spec = parse_file(seed("003"))
    g1 = spec.outcomes[0].notes
    assert g1[0].kind == "additional_guidance"
    assert g1[0].items == ["Age", "Gender", "Employment status", "Marriage Status", "Home ownership"]
    assert g1[1].body == "CRM may be through software applications or paper-based systems"
    assert spec.outcomes[1].notes == []
    g3 = spec.outcomes[2].notes
    assert g3[0].heading == "Performance data may include" and g3[0].criterion == "3.1"
    assert g3[1].body.startswith("Techniques to measure customer satisfaction")


def test_evidence_requirements_checklist() -> None:
    reqs = {r.key: r.text for r in parse_file(seed("001")).requirements}
    assert list(reqs) == ["1", "2", "3", "4", "4a", "4b", "4c", "4d", "5", "6", "6a", "6b", "6c",
                          "6d"]
    assert reqs["1"].startswith("Your evidence should be collected when carrying out a real job")
    assert reqs["1"].endswith("Simulation is not allowed for any performance evidence within this Unit.")
    assert reqs["4a"] == "potential or new customers"
    assert reqs["4b"] == "existing customers"
    assert reqs["4c"] == "customers with particular needs and expectations"
    assert reqs["4d"] == "customers who have experienced problems with your organisation’s services or products."
    assert [reqs[f"6{x}"] for x in "abcd"] == ["qualitative", "quantitative", "formal", "informal."]


def test_prose_numbers_are_not_criteria() -> None:
    s4 = parse_file(seed("004"))
    assert "4.2.1" in s4.assessment and "section 4.2.1 of" in s4.assessment
    assert len(s4.outcomes[3].criteria) == 4
    assert parse_file(seed("004")).requirements == []  # prose, no numbered items
    s2 = parse_file(seed("002"))
    assert all("7.1" not in c.text and "Marketing" not in c.text for c in s2.criteria)


def test_sections() -> None:
    s0 = parse_file(seed("000"))
    assert s0.aim.startswith("This unit aims to aims to develop knowledge")
    assert s0.aim.endswith("principles of customer relationship management.")
    assert s0.assessment == ("This unit is internally assessed by centre staff and externally "
                             "verified by OCR Assessors.")
    assert s0.guidance_on_assessment == "Skills CFA Assessment Strategy Competence units (S/NVQ)"
    s1 = parse_file(seed("001"))
    assert s1.guidance_on_assessment.startswith("Evidence may come from a number of different sources")
    assert "\uf0b7" not in s1.guidance_on_assessment
