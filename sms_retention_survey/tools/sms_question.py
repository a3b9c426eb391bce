# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Survey questions as SMS, and the score arithmetic of reports (no ORM).

* :func:`question_kind` maps an Odoo survey question to the kind of reply
  ``reply_parser.parse_reply`` expects: ``"choice"``, ``"scale"``,
  ``"stars"`` or ``"free"``.
* :func:`render_question` writes the question as SMS text: the title, then
  the numbered options (``1 Cheaper``), or a hint (``Reply 1-10``).
* :func:`fit_body` joins the campaign text, the question and an optional
  web link, leaving the link out when it would make the SMS longer than the
  allowed segments.
* :func:`nps_bucket`, :func:`csat_positive` and :func:`median` are the
  score arithmetic of the reports: NPS buckets for 0-10 and 1-10 scales,
  CSAT as the share of 4 and 5 on 5-point scales.
"""

from odoo.addons.sms_retention.tools.segments import count_segments

__all__ = [
    "csat_positive",
    "fit_body",
    "median",
    "nps_bucket",
    "question_kind",
    "render_question",
]


def question_kind(question_type, display="number", low=None, high=None):
    """The reply kind for a survey question, or None when SMS cannot ask it.

    :param question_type: ``survey.question.question_type``
    :param display: ``"number"`` or ``"stars"`` for numerical questions
    :param low: the minimum of a numerical question (None when unset)
    :param high: the maximum of a numerical question (None when unset)
    """
    if question_type in ("char_box", "text_box"):
        return "free"
    if question_type == "simple_choice":
        return "choice"
    if question_type == "numerical_box":
        if low is None or high is None or low >= high:
            return None
        if int(low) != low or int(high) != high:
            return None
        return "stars" if display == "stars" else "scale"
    return None


def render_question(title, kind, options=(), low=None, high=None, hint=""):
    """The question as SMS text.

    :param title: the question, in the customer's language
    :param kind: as returned by :func:`question_kind`
    :param options: choice labels, in order; numbered from 1
    :param hint: an instruction added after the question (``Reply 1-10``),
        already translated and formatted; empty for none
    :return: the text, lines separated by ``\\n``

    >>> render_question("Why?", "choice", ["Price", "Other"])
    'Why?\\n1 Price\\n2 Other'
    >>> render_question("Easy?", "scale", low=1, high=10, hint="Reply 1-10")
    'Easy? Reply 1-10'
    """
    title = " ".join((title or "").split())
    lines = [title]
    if kind == "choice":
        lines.extend(
            f"{number} {' '.join(str(label).split())}"
            for number, label in enumerate(options, start=1)
        )
        if hint:
            lines.append(hint)
        return "\n".join(lines)
    if hint:
        return f"{title} {hint}"
    return title


def fit_body(intro, question, link="", opt_out="", max_segments=2):
    """Join the campaign text, the question and a link within ``max_segments``.

    The link is dropped first when the text is too long; the question is
    never cut. ``opt_out`` is the text the sender appends (counted, not
    returned).

    :return: ``(body, segments, fits)``
    """
    parts = [part for part in (intro, question) if part]
    base = "\n".join(parts)
    candidates = [f"{base}\n{link}" if link else base]
    if link:
        candidates.append(base)
    for body in candidates:
        segments = count_segments(body, opt_out).segments
        if segments <= max_segments:
            return body, segments, True
    return base, count_segments(base, opt_out).segments, False


def nps_bucket(score, low, high):
    """``"promoter"`` (9-10), ``"passive"`` (7-8) or ``"detractor"`` (up to 6).

    Only for 0-10 and 1-10 scales; None otherwise or without a score.
    """
    if score is None or high != 10 or low not in (0, 1):
        return None
    if score >= 9:
        return "promoter"
    if score >= 7:
        return "passive"
    return "detractor"


def csat_positive(score, low, high):
    """Whether a score counts as satisfied (4 or 5) on a 5-point scale.

    Only for 1-5 and 0-5 scales; None otherwise or without a score.
    """
    if score is None or high != 5 or low not in (0, 1):
        return None
    return score >= 4


def median(values):
    """The median of ``values`` (None when there are none)."""
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
