"""The notice template language: what it renders, and every way out it refuses."""

import time

import pytest

from incidents.models import DataCategory
from incidents.notices.language import MAX_OUTPUT, MAX_TEMPLATE, TemplateError, parse, render
from incidents.notices.rendering import render_notice, validate
from incidents.services.exposures import record_exposure
from tests.factories import ruling_out_proof


def _render(source, values=None, holds=lambda key: True):
    return render(parse(source), values or {}, holds)[0]


def test_names_filters_and_conditions_render():
    values = {
        "reference": "INC-2026-0001",
        "title": "api leak",
        "aware_at": "",
        "people_affected": "12 to 20",
    }
    text = _render(
        "{{ reference }}: {{ title | title }}{% if aware_at %} since {{ aware_at }}{% endif %}. "
        "{{ people_affected }} people.",
        values,
    )
    assert text == "INC-2026-0001: Api Leak. 12 to 20 people."


@pytest.mark.parametrize(
    "payload",
    [
        "{{ incident.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ settings.SECRET_KEY }}",
        "{{ request.user.password }}",
        "{{ config }}",
        "{{ reference.__class__ }}",
        "{{ title|attr('__class__') }}",
        "{% for x in range(10**9) %}{% for y in range(10**9) %}x{% endfor %}{% endfor %}",
        "{% set x = 'a' * 10**9 %}{{ x }}",
        "{{ 'a' * 999999999 }}",
        "{% include '/etc/passwd' %}",
        "{% import os %}",
        "{{ lipsum(1000000) }}",
        "{{ cycler.__init__.__globals__ }}",
        "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    ],
)
def test_template_injection_payloads_are_refused_quickly(payload):
    started = time.monotonic()
    with pytest.raises(TemplateError):
        validate("Notice", payload)
    assert time.monotonic() - started < 0.5


def test_an_unknown_name_is_an_error_at_its_line():
    with pytest.raises(TemplateError, match=r"line 3: unknown name 'secret_key'"):
        validate("Subject", "Dear partner,\n\n{{ secret_key }}\n")


def test_a_syntax_error_names_the_line():
    with pytest.raises(TemplateError, match=r"line 2: .*never closed"):
        validate("S", "first line\n{% if title %}unterminated\nmore")
    with pytest.raises(TemplateError, match=r"line 1: cannot read"):
        validate("S", "{{ title + 1 }}")


def test_an_oversized_template_is_refused():
    with pytest.raises(TemplateError, match="at most"):
        parse("x" * (MAX_TEMPLATE + 1))


def test_output_is_size_limited():
    with pytest.raises(TemplateError, match="longer than"):
        _render("{{ big }}{{ big }}", {"big": "y" * (MAX_OUTPUT // 2 + 10)})


def test_blocks_nest_only_so_deep():
    source = "{% if title %}" * 6 + "x" + "{% endif %}" * 6
    with pytest.raises(TemplateError, match="nest deeper"):
        parse(source)


@pytest.fixture
def scenario(cast, incident):
    payment = DataCategory.objects.get(slug="financial-payment")
    viewing = DataCategory.objects.get(slug="viewing-history")
    record_exposure(
        incident=incident,
        category=payment,
        status="ruled_out",
        backing_files=ruling_out_proof(incident, by=cast.commander),
        evidence="separate segment",
        by=cast.commander,
    )
    from incidents.services.exposures import Range

    record_exposure(
        incident=incident,
        category=viewing,
        status="suspected",
        by=cast.commander,
        records=Range(2_000_000, 8_000_000),
        people=Range(400_000, 1_200_000),
    )
    return incident


def test_a_notice_renders_from_incident_facts(scenario):
    rendered = render_notice(
        incident=scenario,
        subject="{{ reference }}: update for {{ partner_name }}",
        body="Suspected:\n{{ suspected_categories }}\nPeople: {{ people_affected }}\n"
        "{% claim payment_not_compromised %}No payment information was compromised.{% endclaim %}",
        partner_name="AdCo",
    )
    assert rendered.subject == f"{scenario.reference}: update for AdCo"
    assert (
        "- Behavioural data and viewing history: 2,000,000 to 8,000,000 records, 400,000 to 1,200,000 people"
        in rendered.body
    )
    assert "People: 400,000 to 1,200,000" in rendered.body
    assert rendered.claims == ["payment_not_compromised"]


def test_a_claim_the_record_does_not_support_is_refused(scenario):
    with pytest.raises(TemplateError, match="claim 'brand_safety_not_exposed' does not hold"):
        render_notice(
            incident=scenario,
            subject="s",
            body="{% claim brand_safety_not_exposed %}Your settings were not exposed.{% endclaim %}",
        )


def test_an_unknown_claim_is_an_error():
    with pytest.raises(TemplateError, match="unknown claim 'all_good'"):
        validate("s", "{% claim all_good %}Nothing happened.{% endclaim %}")


def test_every_seeded_template_is_valid():
    from incidents.seed import NOTICE_TEMPLATE_UPDATES, NOTICE_TEMPLATES

    for _name, _, subject, body in NOTICE_TEMPLATES:
        validate(subject, body)  # raises, naming the line, if a seeded template is broken
    for _old, body in NOTICE_TEMPLATE_UPDATES.values():
        validate("s", body)


def test_the_california_letter_has_the_required_headings():
    from incidents.seed import CALIFORNIA_LETTER

    for heading in (
        "What Happened",
        "What Information Was Involved",
        "What We Are Doing",
        "What You Can Do",
        "For More Information",
    ):
        assert f"\n{heading}\n" in CALIFORNIA_LETTER


def test_the_regulator_notice_covers_article_33_3(scenario):
    from incidents.seed import REGULATOR_ART33

    text = render_notice(
        incident=scenario, subject="s", body=REGULATOR_ART33, partner_name="CNIL"
    ).body
    for part in (
        "Nature of the breach",
        "data subjects concerned: 400,000 to 1,200,000",
        "records concerned: 2,000,000 to 8,000,000",
        "Contact point",
        "Likely consequences",
        "Measures taken or proposed",
    ):
        assert part in text
