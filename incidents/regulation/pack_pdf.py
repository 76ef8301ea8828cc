"""The regulator pack as PDF (fpdf2). Missing elements are printed in red, so an export
made before the record is complete says so on its face."""

from __future__ import annotations

import datetime as dt

from fpdf import FPDF

from incidents.models import Obligation
from incidents.notices.pdf import latin1
from incidents.presentation.timefmt import local_text
from incidents.regulation.pack import RegulatorPack

RED = (190, 0, 0)
BLACK = (0, 0, 0)
STATUS_COLOUR = {"missed": RED, "met late": (160, 80, 0)}


def _utc(moment: dt.datetime | None) -> str:
    return local_text(moment, "not recorded")


def pack_pdf(pack: RegulatorPack) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    incident = pack.incident
    _heading(pdf, f"Personal data breach: regulator pack - {incident.reference}", 15)
    _text(pdf, f"{incident.title}\nGenerated {_utc(pack.generated_at)} from the Breachroom record.")
    if pack.missing:
        pdf.set_text_color(*RED)
        _text(pdf, f"{len(pack.missing)} element(s) required by Art. 33(3) are missing.")
        pdf.set_text_color(*BLACK)

    _heading(pdf, "Information required by GDPR Art. 33(3)")
    for element in pack.elements:
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(0, 6, latin1(element.label), new_x="LMARGIN", new_y="NEXT")
        if element.text:
            _text(pdf, element.text)
        if element.missing:
            pdf.set_text_color(*RED)
            _text(pdf, f"MISSING: {element.missing}")
            pdf.set_text_color(*BLACK)

    _heading(pdf, "Key times")
    for label, moment in pack.key_times:
        _text(pdf, f"{label}: {_utc(moment)}")

    _heading(pdf, "Notification duties")
    for gap in [
        *pack.gaps,
        *(
            f"{d.rule.name}: cannot be decided without {'; '.join(d.gaps)}"
            for d in pack.undetermined
        ),
    ]:
        pdf.set_text_color(*RED)
        _text(pdf, f"NOT KNOWN: {gap}")
        pdf.set_text_color(*BLACK)
    if not pack.duties and not pack.gaps and not pack.undetermined:
        _text(pdf, "No notification duty follows from the record.")
    for line in pack.duties:
        pdf.set_font("Helvetica", "B", 10)
        pdf.set_text_color(*STATUS_COLOUR.get(line.status, BLACK))
        pdf.multi_cell(
            0,
            6,
            latin1(f"[{line.words.upper()}] {line.obligation.name}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_text_color(*BLACK)
        _text(pdf, _duty_detail(line.obligation))

    _heading(pdf, "Evidence behind the facts stated")
    if not pack.evidence:
        _text(pdf, "No evidence is linked to the exposures, rotations or duties on the record.")
    for item in pack.evidence:
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(0, 6, latin1(item.backs), new_x="LMARGIN", new_y="NEXT")
        detail = item.what
        if item.sha256:
            detail += f" ({item.source}, {item.size:,} bytes)\nSHA-256 {item.sha256}"
        _text(pdf, detail)
    return bytes(pdf.output())


def _duty_detail(obligation: Obligation) -> str:
    lines = [
        f"{obligation.source} (rule text checked {obligation.rule_checked:%Y-%m-%d})",
        f"Why: {obligation.why}",
        f"Deadline: {_deadline(obligation)}",
    ]
    if obligation.people_text:
        lines.insert(1, f"People: {obligation.people_text}")
    if obligation.gaps and obligation.state == "open":
        lines.append(f"Provisional, missing: {'; '.join(obligation.gaps)}")
    if obligation.met_notice is not None:
        reference = (
            f", reference {obligation.filing_reference}" if obligation.filing_reference else ""
        )
        lines.append(
            f"Met by the notice sent to {obligation.met_notice.partner.name} "
            f"at {_utc(obligation.met_at)}{reference} "
            f"(SHA-256 {obligation.met_notice.content_sha256[:16]}...)"
        )
    elif obligation.filing_reference:
        lines.append(f"Filed at {_utc(obligation.met_at)}, reference {obligation.filing_reference}")
    if obligation.late_reason:
        lines.append(f"Reasons for the delay: {obligation.late_reason}")
    if obligation.waiver_reason:
        lines.append(f"Waived by hand, an override of the rules: {obligation.waiver_reason}")
    return "\n".join(lines)


def _deadline(obligation: Obligation) -> str:
    if obligation.deadline is None and obligation.clock_started_at is not None:
        return f"without undue delay, since {_utc(obligation.clock_started_at)}"
    return _utc(obligation.deadline)


def _heading(pdf: FPDF, text: str, size: int = 12) -> None:
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", size)
    pdf.multi_cell(0, 8, latin1(text), new_x="LMARGIN", new_y="NEXT")


def _text(pdf: FPDF, text: str) -> None:
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 5, latin1(text), new_x="LMARGIN", new_y="NEXT")
