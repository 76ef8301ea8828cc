"""Email delivery of a notice: plain text and HTML alternatives, the PDF attached."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.html import escape, linebreaks

from incidents.models import Notice
from incidents.notices.pdf import notice_pdf


def sent_html(notice: Notice) -> str:
    """The HTML alternative a sent notice went out with (its frozen text, escaped)."""
    return str(linebreaks(escape(notice.rendered_body)))


def sent_pdf(notice: Notice) -> bytes:
    """The PDF a sent notice went out with, made again from its frozen text."""
    footer = f"{notice.incident.reference} · SHA-256 {notice.content_sha256}"
    return notice_pdf(subject=notice.rendered_subject, body=notice.rendered_body, footer=footer)


def send(notice: Notice) -> str:
    """Hand the notice to the mail backend; returns what the mail server answered (its
    queue receipt), or what kind of backend took it when there is no server."""
    message = EmailMultiAlternatives(
        subject=notice.rendered_subject,
        body=notice.rendered_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(notice.recipients),
        headers={
            "Message-ID": message_id(notice),
            "X-Breachroom-Notice": str(notice.pk),
            "X-Breachroom-SHA256": notice.content_sha256,
        },
    )
    message.attach_alternative(sent_html(notice), "text/html")
    message.attach(
        f"{notice.incident.reference}-notice-{notice.pk}.pdf", sent_pdf(notice), "application/pdf"
    )
    connection = get_connection(fail_silently=False)
    message.connection = connection
    with connection:
        message.send(fail_silently=False)
        reply = connection.last_reply() if hasattr(connection, "last_reply") else ""
    return reply or f"taken by {type(connection).__module__} (no mail server)"


def message_id(notice: Notice) -> str:
    """The same on every attempt to send this notice's frozen text: a retry after a worker
    died mid-delivery lets mail systems and people recognise the second copy."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("<> ") or "breachroom.invalid"
    return f"<notice-{notice.pk}.{notice.content_sha256[:24]}@{domain}>"


def server_reply(error: smtplib.SMTPException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{rcpt}: {code} {msg.decode(errors='replace')}"
            for rcpt, (code, msg) in error.recipients.items()
        )
    code = getattr(error, "smtp_code", None)
    text = getattr(error, "smtp_error", b"")
    if code:
        return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
    return str(error)
