# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Classify an inbound SMS reply: opt-out, opt-in, help, complaint or answer.

A pure module (standard library only, no ORM), so anything can call it::

    from odoo.addons.sms_retention.tools.reply_parser import parse_reply

    r = parse_reply(text, question="free")  # "free" | "scale" | "stars" | "choice"
    r = parse_reply(text, question="scale", low=1, high=10)
    r.kind   # "answer" | "stop" | "start" | "help" | "possible_stop"
             # | "complaint" | "unparseable"
    r.value  # int for numeric answers, the cleaned text for free answers, else None
    r.text   # the cleaned reply (as for a free answer), whatever the kind
    r.rest   # for a numeric answer, the words that came with the number

    # Classified already (a stored reply, a person's review): the value only.
    r = parse_answer(text, question="scale")  # kind "answer" | "unparseable"

Bounds default to 0..10 for ``scale``, 1..5 for ``stars`` and 1..N for
``choice``, where N is ``high`` (10 when not given). ``parse_reply`` never
raises on its input: ``None``, ``""``, bytes, lone surrogates and very long
texts are all classified. It raises ``ValueError`` only for a programming
error: an unknown ``question`` or ``low > high``.

The policy, in order
====================

1. **Normalise** (:func:`normalize`).

   - Lone surrogates, zero-width characters and control characters go first.
   - A trailing signature or sign-off is dropped: everything from a ``--``
     line (or ``—``, ``__``), a device line ("Sent from my iPhone", "Envoyé de
     mon iPhone", "Von meinem iPhone gesendet", "发自我的iPhone", "ส่งจาก
     iPhone", "أرسلت من iPhone", also at the end of the last line), or a
     valediction line ("Regards", "Cordialement", "Mit freundlichen Grüßen",
     "此致", ...) that only a short name follows. Device lines are removed
     wherever they are; the others count only after some content.
   - Unicode NFKC, so full-width ``８`` and ``ＳＴＯＰ`` become ``8`` and ``STOP``.
   - Every Unicode decimal digit becomes ASCII (Arabic-Indic ``٨``, Thai
     ``๘``), keycap ``🔟`` becomes ``10``.
   - Format characters (zero-width joiners, bidi marks, BOM, emoji tags),
     variation selectors and the keycap mark are stripped, so ``8️⃣`` is ``8``
     and ``S\\u200bTOP`` is ``STOP``.
   - Arabic is folded the usual way: harakat and tatweel removed, ``أ إ آ``
     to ``ا``, ``ى`` to ``ي``, ``ة`` to ``ه``. Curly apostrophes become
     ``'`` and the minus sign ``-``.
   - Casefold; whitespace runs become one space (line breaks are kept).

2. **Precedence**: stop > start > help > possible_stop > complaint > answer >
   unparseable.

3. **Whole-message keywords.** Punctuation, symbols (so emoji) and filler
   words (please, thanks, ok, hi, 请, 谢谢, ครับ, ค่ะ, por favor, gracias,
   merci, s'il vous plaît, bitte, danke, شكرا, من فضلك ...) are removed first;
   then, if only keywords remain (repeats allowed, the highest kind wins):

   - **stop**: STOP, STOPALL, UNSUBSCRIBE, UNSUB, CANCEL, END, QUIT, OPTOUT,
     REVOKE, TD, the Chinese one-letter conventions R (拒收请回复R) and T
     (回T退订), 退订/退訂, 取消订阅/取消訂閱, 取消, 退出, 停止, ยกเลิก,
     หยุด, BAJA, CANCELAR, ARRET/ARRÊT, STOPP, إلغاء, إلغاء الاشتراك, إيقاف;
   - **start**: START, YES, UNSTOP (Twilio's defaults, and only those);
   - **help**: HELP, INFO, 帮助/幫助, AYUDA, AIDE, HILFE, ช่วยเหลือ, مساعدة.

   "yes" therefore means **start** even when a scale question is open: the
   carrier treats it as an opt-in keyword, and so do we (precedence).

4. **Opt-out anywhere in the text, unless negated.** US rules (FCC 24-24)
   require honouring an opt-out made by any reasonable means, so these count
   wherever they are:

   - unambiguous terms: unsubscribe, unsub, opt out, 退订, 取消订阅, 退出订阅,
     拒收, désabonner, désinscrire, desuscribir, abmelden, abbestellen,
     austragen, إلغاء الاشتراك;
   - refusals in plain words: "stop texting/sending/getting ...", "no more
     messages", "I no longer want these texts", "remove me", "delete my
     number", "take me off", "don't text me", "leave me alone", 别再发,
     不要再给我发, 请勿再传, 不想再收到, 别烦我, หยุดส่ง, เลิกส่ง, อย่าส่ง,
     ไม่อยากได้รับ, "no más mensajes", "ya no quiero", "darme de baja",
     "dejen de enviar", "plus de SMS", "je ne veux plus recevoir",
     "ne m'envoyez plus", "keine SMS mehr", "tragen Sie mich aus",
     "أوقفوا الرسائل", "لا أريد الرسائل", "توقفوا عن مراسلتي";
   - a STOP keyword (STOP, STOPALL, STOPP, ARRÊT, UNSUBSCRIBE, OPT OUT, TD)
     standing alone as a clause of a longer reply, numbers aside: "8. STOP",
     "Stop! Wrong number", "8 stop".

   A term is negated when a negation (not, no, never, don't, won't, no/nunca,
   ne/pas/jamais, nicht/kein/nie, لا/لن/ليس, 不想/不要/不用/别, ไม่/อย่า)
   stands among the three words (or, in Chinese and Thai, twelve characters)
   before it, in the same clause: "I don't want to unsubscribe" and "Don't
   stop sending these" are not opt-outs. Factual negations ("can't", "didn't",
   没) do not cancel an opt-out: "Why can't I unsubscribe" is one.
   CANCEL, END, QUIT, R, T, 取消, ยกเลิก, BAJA and إلغاء count only as the
   whole message: "I need to cancel my appointment", "the end" and "the stop
   button in your app froze" are not opt-outs. "回复退订" (echoing our footer
   回复TD退订) contains 退订 and is one.

   **Possible opt-out** (``possible_stop``): what reads like a refusal without
   saying it, negated or not, is left to a person: "not interested", "wrong
   number", "who is this", "I never signed up", spam, 不感兴趣, 打错了,
   骚扰, ไม่สนใจ, ส่งผิด, "no me interesa", "pas intéressé", "kein
   Interesse", "غير مهتم".

5. **Complaint**: a complaint term that is not negated (same rule, plus
   "can't", "didn't", "without", 没/没有/无): complain*, 投诉/投訴, ร้องเรียน,
   queja, reclamación, plainte, réclamation, Beschwerde/beschweren,
   شكوى/اشتكي; and what went wrong, rather than a low opinion: refund,
   broken, damaged, defective, "never arrived", "haven't received", scam,
   fraud, "rip-off", "report you", 退款, 坏了, 损坏, 差评, 骗子, 假货, 没收到,
   คืนเงิน, ของเสีย, ชำรุด, ยังไม่ได้รับ, โกง, reembolso, roto, estafa, "no
   llegó", remboursement, cassé, arnaque, "je n'ai jamais reçu", kaputt,
   Rückerstattung, Betrug, "nicht angekommen", استرداد, مكسور, "لم يصل".
   "No complaints, 9/10" and "no refund needed" are answers; so are a low
   score and a low opinion ("2", "terrible service").

6. **Numbers** (``scale``, ``stars``, ``choice``). The reply is an answer only
   if it holds exactly one distinct number, and that number is within
   ``low..high``; anything else is unparseable.

   - Digits, and whole-word numbers 0-10 in en, es, fr, de and ar. French
     "un/une", Spanish "un/una" and German "ein/eine" are articles: they
     count only as the whole message (so do Thai number words, แปด).
   - Chinese numerals (零〇一二两三四五六七八九十) count only as the whole
     message (八) or in an explicit score form: 给/打/评 + numeral (给十分,
     打八分), numeral + 星 (五星, 五颗星), numeral + 分 not followed by more
     Chinese (八分). 十分满意 means "very satisfied": no number.
   - "N/M", "N out of M" (de, sur, von, من, จาก) and 满分M count only when M is
     ``high``; otherwise the reply is unparseable. Never rescale: "4/5" on
     1..10 is unparseable.
   - Decimals (8.5, 8,5), negatives (-3), percentages and amounts (80%, $5),
     a number glued to letters (3rd, SO1234, 8pm; digits next to Chinese or
     Thai are fine: 8分) or in an order reference (order 1234, SO-12) make
     the reply unparseable. "5-star" is fine.
   - ⭐ and ★ are counted only for ``stars`` questions and only when no
     number was written ("5⭐" is 5, "⭐⭐⭐⭐" is 4).
   - For ``choice``, labels carry their number: "Option 3", "opción 3",
     "choix 3", "#5", 第三个, 选项2, ข้อ 3, الخيار 3.

7. **Free questions**: any reply with visible text is an answer; the value is
   the signature-stripped, whitespace-normalised original text (lone
   surrogates and zero-width spaces removed; not casefolded, not NFKC).
   Keywords and complaints still come first: a free answer "STOP" is stop.

8. **The rest of a numeric answer** (``rest``): what the customer wrote
   besides the number, in their own words (cut from ``text``, not folded).
   The number's expression is what rule 6 read ("8", "8/10", "8 out of 10",
   给8分, "option 3", ⭐⭐⭐), with a unit after it ("8 stars", "9 points",
   8分, ๙ คะแนน).

   - Text after a leading expression is the rest: "2 the delivery was late"
     gives "the delivery was late", "8/10 great service" gives "great
     service", "给8分 服务很好" gives "服务很好".
   - Text before a trailing expression is the rest only when punctuation
     separates them: "Great service, 9" gives "Great service", while in
     "I'd give it a 9" the words lead to the score (no rest).
   - A number amid text keeps the whole text: "I'd give 9 because it was
     fast" is the comment as written.
   - A rest of punctuation, emoji and filler words only ("8!", "8 thanks",
     "8 ครับ") is empty.
"""

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "KINDS",
    "QUESTIONS",
    "ParsedReply",
    "normalize",
    "parse_answer",
    "parse_reply",
    "strip_signature",
]

KINDS = (
    "stop",
    "start",
    "help",
    "possible_stop",
    "complaint",
    "answer",
    "unparseable",
)
QUESTIONS = ("free", "scale", "stars", "choice")
_DEFAULT_BOUNDS = {"scale": (0, 10), "stars": (1, 5), "choice": (1, 10)}

# A clause-level keyword or a whole-message check looks at short texts only:
# a keyword reply is a few words, and the cap bounds the regex work.
_SHORT = 80


@dataclass(frozen=True, slots=True)
class ParsedReply:
    """What a reply means. ``value`` is set for answers only."""

    kind: str
    value: int | str | None = None
    text: str = ""
    rest: str = ""


# ---------------------------------------------------------------------------
# Character tables
# ---------------------------------------------------------------------------

# Scripts written without spaces between words: a digit next to them is not
# "glued to letters" (8分, ให้8คะแนน) and their phrases match as substrings.
_UNSPACED = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u3000-\u30ff"  # CJK punctuation, kana
    "\u3100-\u312f"  # Bopomofo
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han
    "\uac00-\ud7af"  # Hangul
)
_LETTER = rf"[^\W\d_{_UNSPACED}]"  # a letter of a spaced script
_ALNUM = rf"[^\W_{_UNSPACED}]"  # the same, or a digit


def _clean_table():
    table = dict.fromkeys(range(0xD800, 0xE000))  # lone surrogates
    table.update(dict.fromkeys((0x00AD, 0x180E, 0x200B, 0x2060, 0xFEFF)))
    for cp in (*range(0x20), 0x7F, *range(0x80, 0xA0)):
        if chr(cp) not in "\t\n\r":
            table[cp] = " "
    return table


# For every text: what cannot be encoded or seen. Free answers keep the rest.
_CLEAN = _clean_table()

_FOLD_FIXED = {
    0x2018: "'",
    0x2019: "'",
    0x02BC: "'",
    0x00B4: "'",
    0x2212: "-",
    0x2010: "-",
    0x2011: "-",
    0x2013: "-",
    0x2014: "-",
    0x066B: ".",  # Arabic decimal separator
    0x066C: ",",  # Arabic thousands separator
    0x1F51F: " 10 ",  # keycap ten
    0x20E3: None,  # combining enclosing keycap
    0x0640: None,  # Arabic tatweel
    0x0622: "\u0627",
    0x0623: "\u0627",
    0x0625: "\u0627",
    0x0671: "\u0627",
    0x0649: "\u064a",
    0x0629: "\u0647",
}


class _FoldTable(dict):
    """``str.translate`` table built lazily, one code point at a time."""

    def __missing__(self, cp):
        char = chr(cp)
        digit = unicodedata.decimal(char, None)
        if digit is not None:
            value = str(digit)
        elif (
            0xFE00 <= cp <= 0xFE0F  # variation selectors
            or 0xE0100 <= cp <= 0xE01EF
            or 0x064B <= cp <= 0x065F  # Arabic harakat
            or cp == 0x0670
            or unicodedata.category(char) == "Cf"  # ZWJ, bidi marks, tags
        ):
            value = None
        else:
            value = cp
        self[cp] = value
        return value


class _CoreTable(dict):
    """Punctuation and symbols (emoji included) become spaces."""

    def __missing__(self, cp):
        value = " " if unicodedata.category(chr(cp))[0] in "PS" else cp
        self[cp] = value
        return value


_FOLD = _FoldTable(_FOLD_FIXED)
_CORE = _CoreTable()


def _fold(text):
    """NFKC, ASCII digits, invisible marks stripped, casefold (one line or many)."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKC", text).translate(_FOLD).casefold()


def _alternation(words):
    """A regex alternation of literal ``words``, folded, longest first."""
    folded = {_fold(word) for word in words}
    return "|".join(re.escape(w) for w in sorted(folded, key=len, reverse=True))


# ---------------------------------------------------------------------------
# Signatures
# ---------------------------------------------------------------------------

_DEVICE = (
    r"(?:iphone|ipad|ipod|android|samsung|galaxy|pixel|huawei|honor|xiaomi|redmi"
    r"|oppo|vivo|oneplus|motorola|nokia|blackberry|smartphone|mobile|m[óo]vil"
    r"|portable|handy|t[ée]l[ée]phone|tel[ée]fono|phone|outlook|yahoo|gmail|aol"
    r"|mail|windows|ios|verizon|at&t|t-mobile|手机|手機)"
)
_SENT_FROM = (
    r"(?:sent\s+(?:from|via|using|with)|get\s+outlook\s+for"
    r"|enviado\s+(?:desde|con|de)|envoy[ée]\s+(?:de(?:puis)?|avec)"
    r"|gesendet\s+(?:von|mit)|von\s+meinem|(?:发|發)自|(?:从|從)我的|ส่งจาก"
    r"|[اأ]ُ?رسل[تة]?\s+من|مرسل\s+من)"
)
# A whole line naming a device or app: dropped wherever it is.
_SIG_DEVICE_LINE = re.compile(
    rf"{_SENT_FROM}[^\n!?;.]{{0,40}}?{_DEVICE}[^\n!?;,.]{{0,25}}[.]?", re.I
)
# The same at the end of a line: "stop texting me Sent from my iPhone".
_SIG_DEVICE_TAIL = re.compile(
    rf"\s+{_SENT_FROM}\s*(?:my\s+|mi\s+|mon\s+|meinem\s+|我的)?{_DEVICE}"
    r"[^\s!?;,.]*(?:\s+[^\s!?;,.]+){0,3}\s*$",
    re.I,
)
# Every device signature holds one of these: a cheap first test.
_SIG_HINT = re.compile(
    r"sent|outlook|enviado|envoy|gesendet|meinem|自|我的|ส่งจาก|رسل", re.I
)
_SIG_DELIMITER = re.compile(r"-{1,3}|—|_{2,}|={3,}|(?:--|—)\s*[^\W\d_][\w.' -]{0,30}")
_VALEDICTION_FORMAL = (
    r"(?:(?:best|kind|warm|warmest)\s+)?regards|best\s+wishes|sincerely"
    r"|yours(?:\s+(?:truly|sincerely))?|saludos(?:\s+cordiales)?|un\s+saludo"
    r"|atentamente|cordialement|bien\s+cordialement|bien\s+[àa]\s+vous"
    r"|mit\s+freundlichen\s+gr(?:ü|ue|u)(?:ß|ss)en|mfg|(?:viele|liebe)\s+gr"
    r"(?:ü|ue|u)(?:ß|ss)e|lg|此致敬礼|此致|祝好|ขอแสดงความนับถือ"
    r"|مع\s+(?:خالص\s+)?التحي[ةه]|تحياتي"
)
_VALEDICTION = re.compile(
    rf"(?:(?:{_VALEDICTION_FORMAL})[,.!]*(?:\s+[^\W\d_][\w.'-]*){{0,3}}"
    r"|(?:thanks|thank\s+you|many\s+thanks|cheers|best))[,.!]*",
    re.I,
)
_NAME_LINE = re.compile(r"[^\W\d_][\w.' -]{0,29}")


def _signature_line(index, lines, has_content):
    """How line ``index`` ends the reply: None, "drop" (alone) or "cut" (rest)."""
    line = lines[index].strip()
    if _SIG_DEVICE_LINE.fullmatch(line):
        return "cut" if has_content else "drop"
    if not has_content:
        return None
    if _SIG_DELIMITER.fullmatch(line):
        return "cut"
    if len(lines) - index <= 6 and _VALEDICTION.fullmatch(line):
        rest = [r.strip() for r in lines[index + 1 :] if r.strip()]
        if len(rest) <= 2 and all(_NAME_LINE.fullmatch(r) for r in rest):
            return "cut"
    return None


def strip_signature(text):
    """``text`` without its trailing signature or sign-off (see rule 1)."""
    if "\n" not in text and "\r" not in text and not _SIG_HINT.search(text):
        return text  # one line, no device named: the common case
    lines = text.splitlines()
    kept = []
    has_content = False
    for index in range(len(lines)):
        action = _signature_line(index, lines, has_content)
        if action == "cut":
            break
        if action == "drop":
            continue
        line = lines[index]
        tail = _SIG_DEVICE_TAIL.search(line)
        if tail:
            kept.append(line[: tail.start()])
            break
        kept.append(line)
        has_content = has_content or bool(line.strip())
    return "\n".join(kept)


def _to_text(text):
    if text is None:
        return ""
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", "replace")
    elif not isinstance(text, str):
        text = str(text)
    return text.translate(_CLEAN)


def _normalize_clean(clean):
    folded = _fold(clean)
    if "\n" not in folded and "\r" not in folded:
        return " ".join(folded.split())
    lines = (" ".join(line.split()) for line in folded.splitlines())
    return "\n".join(line for line in lines if line)


def normalize(text):
    """Rule 1: the reply as the rules read it (casefolded, ASCII digits...).

    >>> normalize("ＳＴＯＰ\\u200b!\\nSent from my iPhone")
    'stop!'
    """
    return _normalize_clean(strip_signature(_to_text(text)))


# ---------------------------------------------------------------------------
# Keywords (rules 3 to 5)
# ---------------------------------------------------------------------------

_FILLERS_SPACED = (
    "please",
    "pls",
    "plz",
    "plse",
    "thanks",
    "thank you",
    "thankyou",
    "thank u",
    "thanx",
    "thx",
    "ty",
    "ok",
    "okay",
    "hi",
    "hello",
    "hey",
    "now",
    "just",
    "por favor",
    "porfa",
    "porfavor",
    "gracias",
    "muchas gracias",
    "hola",
    "ya",
    "merci",
    "merci beaucoup",
    "svp",
    "stp",
    "s il vous plait",
    "s il vous plaît",
    "s il te plait",
    "s il te plaît",
    "bonjour",
    "maintenant",
    "bitte",
    "danke",
    "danke schön",
    "danke schon",
    "vielen dank",
    "hallo",
    "jetzt",
    "من فضلك",
    "لو سمحت",
    "شكرا",
    "أرجو",
    "رجاء",
    "مرحبا",
)
_FILLERS_UNSPACED = (
    "请",
    "請",
    "谢谢",
    "謝謝",
    "多谢",
    "多謝",
    "麻烦",
    "麻煩",
    "你好",
    "您好",
    "了",
    "吧",
    "啊",
    "呀",
    "哦",
    "喔",
    "嗯",
    "ครับ",
    "ค่ะ",
    "ขอบคุณ",
    "สวัสดี",
)
# Thai particles that are also syllables of other words (คะ in คะแนน): only
# at the end of a word.
_FILLERS_THAI_FINAL = ("คะ", "คับ", "นะ", "ด้วย", "จ้า", "จ้ะ", "ครับ", "ค่ะ")
_FILLER_WORDS = frozenset(_fold(w) for w in _FILLERS_SPACED if " " not in w)
_FILLER_PHRASES = tuple(_fold(w) for w in _FILLERS_SPACED if " " in w)
_FILLER_PHRASE_FIRST = frozenset(p.split()[0] for p in _FILLER_PHRASES)
_FILLER_PHRASE_RE = re.compile(rf"(?<!\w)(?:{_alternation(_FILLER_PHRASES)})(?!\w)")
_FILLER_UNSPACED_RE = re.compile(
    rf"{_alternation(_FILLERS_UNSPACED)}"
    rf"|(?:{_alternation(_FILLERS_THAI_FINAL)})+(?=\s|$)"
)

_STOP_KEYWORDS = (
    "stop",
    "stop all",
    "unsubscribe",
    "unsub",
    "cancel",
    "end",
    "quit",
    "opt out",
    "revoke",
    "td",
    # China: 拒收请回复R on marketing SMS, 回T退订 from many senders.
    "r",
    "t",
    "退订",
    "退訂",
    "取消订阅",
    "取消訂閱",
    "取消",
    "退出",
    "停止",
    "ยกเลิก",
    "หยุด",
    "baja",
    "cancelar",
    "arret",
    "arrêt",
    "stopp",
    "إلغاء",
    "إلغاء الاشتراك",
    "إيقاف",
)
_START_KEYWORDS = ("start", "yes", "unstop")
_HELP_KEYWORDS = (
    "help",
    "info",
    "帮助",
    "幫助",
    "ayuda",
    "aide",
    "hilfe",
    "ช่วยเหลือ",
    "مساعدة",
)
# Opt-out keywords that also count as a clause of a longer reply (rule 4).
_STRONG_STOP_KEYWORDS = (
    "stop",
    "stop all",
    "stopp",
    "unsubscribe",
    "unsub",
    "opt out",
    "arret",
    "arrêt",
    "td",
)
_PRECEDENCE = {"stop": 0, "start": 1, "help": 2}


def _keyword_pattern(words):
    """Keywords, spaces made optional ("opt out" = "optout" = "opt  out")."""
    return _alternation(words).replace(r"\ ", r"\s*")


# Keyword, spaces removed -> its kind.
_KEYWORD_KIND = {
    _fold(word).replace(" ", ""): kind
    for kind, words in (
        ("help", _HELP_KEYWORDS),
        ("start", _START_KEYWORDS),
        ("stop", _STOP_KEYWORDS),
    )
    for word in words
}
_KEYWORD_RE = re.compile(
    _keyword_pattern(_STOP_KEYWORDS + _START_KEYWORDS + _HELP_KEYWORDS)
)
_KEYWORDS_ONLY = re.compile(rf"(?:(?:{_KEYWORD_RE.pattern})\s*)+")
_STRONG_STOP_ONLY = re.compile(
    rf"(?:(?:{_keyword_pattern(_STRONG_STOP_KEYWORDS)})\s*)+"
)
_STRONG_STOP_HINT = re.compile(
    rf"(?<!\w)(?:{_keyword_pattern(_STRONG_STOP_KEYWORDS)})(?!\w)"
)

# Rule 4 and 5 terms. Those of spaced scripts start with a letter and must
# start a word (checked by _found: a leading \\b would slow every search).
_OPT_OUT_SPACED_RE = re.compile(
    "|".join(
        (
            r"unsubscrib\w*",
            r"unsub\b",
            r"opt(?:ed|ing)?[\s-]*(?:me[\s-]+)?out\b",
            r"stop\s+(?:texting|txting|messaging|msging|sending|contacting|getting"
            r"|receiving"
            r"|spamming|bothering|harass\w*|emailing|calling|it|this|that|them"
            r"|now|(?:the|these|your|all)\s+(?:texts?|messages?|sms|spam))\b",
            r"no\s+more\s+(?:texts?|txts?|messages?|msgs?|sms|marketing|promos?"
            r"|promotions?|spam)\b",
            r"remove\s+(?:me|my\s+(?:number|phone|contact))\b",
            r"take\s+me\s+off\b",
            r"do\s+not\s+(?:text|txt|message|msg|sms|contact)\s+me\b",
            r"don'?t\s+(?:text|txt|message|msg|sms|contact)\s+me\b",
            r"never\s+(?:text|txt|message|msg|sms|contact)\s+me\b",
            r"leave\s+me\s+alone\b",
            r"(?:no\s+longer|don'?t|do\s+not)\s+(?:want|wish|need)\s+(?:to\s+"
            r"(?:receive|get)\s+)?(?:any\s+more\s+|anymore\s+)?(?:these|your|any|the"
            r"|this|such)?\s*(?:texts?|txts?|messages?|msgs?|sms|marketing|promos?)\b",
            r"(?:delete|erase)\s+my\s+(?:number|phone|contact|details)\b",
            r"ya\s+no\s+(?:quiero|deseo)\b",
            r"no\s+(?:quiero|deseo)\s+recibir\b",
            r"qu[ií]t(?:en|e|a)me\s+de\b",
            r"b[oó]rr(?:en|e|a)me\b",
            r"no\s+m[aá]s\s+(?:mensajes|sms|textos|promociones)\b",
            r"dar(?:me|se)?\s+de\s+baja\b",
            r"desuscrib\w*",
            r"dej(?:en|e|a|ar)\s+de\s+(?:enviar|mandar|escribir)\w*",
            r"no\s+me\s+(?:envi|mand|escrib)\w*",
            r"cancelar\s+(?:la\s+|mi\s+)?suscripci[oó]n\b",
            r"d[ée]sabonn\w*",
            r"d[ée]sinscri\w*",
            r"arr[eê]te[rz]?\s+de\s+m\s*'?\s*(?:envoyer|[ée]crire)\b",
            r"cessez\s+de\s+m\s*'?\s*(?:envoyer|[ée]crire)\b",
            r"plus\s+de\s+(?:messages|sms|textos)\b",
            r"ne\s+plus\s+(?:recevoir|m'envoyer|envoyer)\b",
            r"ne\s+(?:veux|souhaite|voudrais)\s+plus\s+(?:recevoir|de\s+(?:sms|messages))\b",
            r"ne\s+m\s*'?\s*(?:envoy|[ée]cri)\w*\s+plus\b",
            r"(?:retirez|supprimez|enlevez)[\s-]*(?:moi|mon\s+num[ée]ro)\b",
            r"abmeld\w*",
            r"abbestell\w*",
            r"austrag\w*",
            r"tr[äa]g\w*\s+(?:sie\s+)?mich\s+aus\b",
            r"l[öo]sch\w*\s+(?:sie\s+)?(?:meine\s+nummer|mich)\b",
            r"h[öo]r(?:t|en\s+sie)\s+auf\s+(?:mir\s+)?(?:zu\s+)?(?:schreiben|sms)",
            r"keine\s+(?:weiteren\s+)?(?:sms|nachrichten|werbung)\s+mehr\b",
            r"keine\s+weiteren\s+(?:sms|nachrichten)\b",
            r"nicht\s+mehr\s+(?:schreiben|kontaktieren|anschreiben|senden)\b",
            r"الغاء\s+الاشتراك",
            r"(?:اوقف|توقف)(?:وا)?\s+(?:عن\s+)?(?:ارسال\s+)?(?:ال)?رسائل",
            r"لا\s+(?:ترسل|تراسل)\w*",
            r"لا\s+(?:اريد|ابغي|ابي)\s+(?:استلام\s+)?(?:هذه\s+)?(?:ال)?رسائل",
            r"(?:توقف|اوقف)(?:وا)?\s+عن\s+(?:مراسلت|ارسال|مراسله)\w*",
            r"احذف(?:وا)?\s+رقمي",
        )
    )
)
_OPT_OUT_UNSPACED_RE = re.compile(
    _alternation(
        (
            "退订",
            "退訂",
            "取消订阅",
            "取消訂閱",
            "退出订阅",
            "退出訂閱",
            "拒收",
            "别再发",
            "別再發",
            "不要再发",
            "不要再發",
            "别发了",
            "別發了",
            "不要发了",
            "不要發了",
            "别再给我发",
            "別再給我發",
            "停止发送",
            "停止發送",
            "不要再给我发",
            "不要再給我發",
            "别给我发",
            "別給我發",
            "请勿再发",
            "請勿再發",
            "勿再发",
            "勿再發",
            "不要再传",
            "不要再傳",
            "别再传",
            "別再傳",
            "请勿再传",
            "請勿再傳",
            "勿再传",
            "勿再傳",
            "不想再收到",
            "不想收到",
            "不要再联系我",
            "不要再聯絡我",
            "以后别发",
            "以後別發",
            "别烦我",
            "別煩我",
            "不需要这些短信",
            "不需要這些簡訊",
            "不要发短信",
            "不要發簡訊",
            "หยุดส่ง",
            "เลิกส่ง",
            "ไม่ต้องส่ง",
            "อย่าส่ง",
            "ยกเลิกการรับ",
            "ยกเลิกรับ",
            "ไม่อยากได้รับ",
            "ไม่ต้องการรับ",
            "ไม่ต้องการข้อความ",
            "ไม่รับข้อความ",
            "งดส่ง",
        )
    )
)
_COMPLAINT_SPACED_RE = re.compile(
    "|".join(
        (
            r"complain\w*|quej\w*|reclamaci[oó]n\w*|plainte\w*|plaindre\b"
            r"|r[ée]clamation\w*|beschwer\w*|شكوي|شكاوي|اشتك\w*",
            # What went wrong, rather than a low opinion ("bad", "slow").
            r"refund\w*|money\s+back|broken\b|damaged\b|defective\b|faulty\b"
            r"|never\s+(?:arrived|came|received|delivered|got\s+it)\b"
            r"|(?:didn'?t|did\s+not|hasn'?t|has\s+not|haven'?t|have\s+not)\s+"
            r"(?:arrived?|received?|come|got(?:ten)?\s+(?:it|my))\b"
            r"|scam\w*|fraud\w*|rip[\s-]?off\b|ripped\s+off\b|lawyer\w*"
            r"|(?:sue|report)\s+you\b",
            r"reembols\w*|rot[oa]s?\b|da[ñn]ad[oa]s?\b|defectuos[oa]s?\b"
            r"|nunca\s+lleg[oó]\b|no\s+(?:ha\s+)?lleg(?:[oó]|ado)\b|estafa\w*"
            r"|fraude\b",
            r"rembours\w*|cass[ée]e?s?\b|endommag[ée]e?s?\b|d[ée]fectueu(?:x|se)\b"
            r"|n\s*'?\s*(?:ai|avons|est)\s+(?:jamais|pas)\s+(?:re[çc]u|arriv[ée])"
            r"|arnaque\w*|escroqu\w*",
            r"r[üu]ckerstatt\w*|geld\s+zur[üu]ck\b|kaputt\w*|besch[äa]digt\w*"
            r"|defekt\w*|(?:nie|nicht)\s+angekommen\b|betrug\w*|betr[üu]g\w*",
            r"استرداد|مكسور\w*|تالف\w*|لم\s+(?:يصل|تصل|استلم)\w*|احتيال|نصاب",
        )
    )
)
_COMPLAINT_UNSPACED_RE = re.compile(
    _alternation(
        (
            "投诉",
            "投訴",
            "ร้องเรียน",
            "退款",
            "退钱",
            "退錢",
            "坏了",
            "壞了",
            "损坏",
            "損壞",
            "破损",
            "破損",
            "差评",
            "差評",
            "骗子",
            "騙子",
            "诈骗",
            "詐騙",
            "假货",
            "假貨",
            "没收到",
            "沒收到",
            "还没到",
            "還沒到",
            "คืนเงิน",
            "ของเสีย",
            "เสียหาย",
            "ชำรุด",
            "พังแล้ว",
            "ของพัง",
            "สินค้าพัง",
            "ไม่ได้รับของ",
            "ไม่ได้รับสินค้า",
            "ยังไม่ได้รับ",
            "โกง",
            "หลอกลวง",
            "ของปลอม",
        )
    )
)
# What reads like an opt-out without saying it: a person decides (rule 4).
_POSSIBLE_STOP_SPACED_RE = re.compile(
    r"not\s+interested\b|wrong\s+number\b|who\s+is\s+this\b|who's\s+this\b"
    r"|how\s+did\s+you\s+get\s+my\s+(?:number|phone)\b"
    r"|(?:never|didn'?t|did\s+not)\s+sign(?:ed)?\s+up\b|spam\w*"
    r"|no\s+(?:me\s+)?interesa\b|n[uú]mero\s+equivocado\b"
    r"|pas\s+int[ée]ress[ée]e?s?\b|m'int[ée]resse\s+pas\b|mauvais\s+num[ée]ro\b"
    r"|kein\s+interesse\b|nicht\s+interessiert\b|falsche\s+nummer\b"
    r"|غير\s+مهتم|لست\s+مهتم|رقم\s+خط(?:ا|ء)|ازعاج"
)
_POSSIBLE_STOP_UNSPACED_RE = re.compile(
    _alternation(
        (
            "不感兴趣",
            "不感興趣",
            "没兴趣",
            "沒興趣",
            "打错了",
            "打錯了",
            "发错了",
            "發錯了",
            "你是谁",
            "你是誰",
            "骚扰",
            "騷擾",
            "垃圾短信",
            "垃圾簡訊",
            "ไม่สนใจ",
            "ส่งผิด",
            "ผิดเบอร์",
            "เบอร์ผิด",
            "ก่อกวน",
            "สแปม",
        )
    )
)
_NEVER = re.compile(r"(?!)")

_NEGATORS = (
    r"no|not|never|don't|dont|doesn't|doesnt|won't|wont|wouldn't|wouldnt"
    r"|shouldn't|nunca|jam[aá]s|ni|ne|pas|jamais|nicht|nie|niemals|kein\w*"
    r"|لا|لن|ليس|مش"
)
_NEGATORS_FACTUAL = (
    r"can't|cant|cannot|couldn't|didn't|didnt|nothing|none|without|hardly"
    r"|zero|sin|sans|aucune?|ohne|بدون|لم|ما|غير"
)
_NEG_OPT_OUT = re.compile(rf"(?<!\w)(?:{_NEGATORS})(?!\w)|(?<!\w)n'")
_NEG_COMPLAINT = re.compile(
    rf"(?<!\w)(?:{_NEGATORS}|{_NEGATORS_FACTUAL})(?!\w)|(?<!\w)n'"
)
_NEG_OPT_OUT_CJK = re.compile(
    r"不想|不要|不用|不必|不需|无需|無需|并不|並不|从不|從不|ไม่|อย่า"
    r"|(?:不|别|別)[想要会會再去]?$"
)
_NEG_COMPLAINT_CJK = re.compile(
    r"不想|不要|不用|不必|不需|无需|無需|并不|並不|从不|從不|没|沒|无|無|ไม่|อย่า"
    r"|(?:不|别|別|非)[想要会會再去]?$"
)
_CLAUSE_SEP = "[.!?;,:\n。！？；，、¡¿،؛؟]"
_CLAUSE_SPLIT = re.compile(_CLAUSE_SEP)


def _core(text):
    """``text`` with punctuation, symbols and filler words removed."""
    text = text.translate(_CORE)
    if not text.isascii():
        text = _FILLER_UNSPACED_RE.sub(" ", text)
    words = text.split()
    if not _FILLER_PHRASE_FIRST.isdisjoint(words):
        words = _FILLER_PHRASE_RE.sub(" ", " ".join(words)).split()
    return " ".join(w for w in words if w not in _FILLER_WORDS)


def _negated(norm, start, latin, cjk):
    """Whether a negation precedes position ``start``, in the same clause."""
    prefix = norm[max(0, start - 120) : start]
    prefix = _CLAUSE_SPLIT.split(prefix)[-1]
    if latin.search(" ".join(prefix.split()[-3:])):
        return True
    return bool(cjk.search(prefix.rstrip()[-12:]))


def _found(spaced, unspaced, norm, latin, cjk):
    """Whether ``norm`` holds a term of ``spaced`` or ``unspaced``, not negated."""
    for match in spaced.finditer(norm):
        start = match.start()
        if start and (norm[start - 1].isalnum() or norm[start - 1] == "_"):
            continue  # not the start of a word
        if not _negated(norm, start, latin, cjk):
            return True
    if norm.isascii():
        return False
    return any(
        not _negated(norm, m.start(), latin, cjk) for m in unspaced.finditer(norm)
    )


def _whole_message_keyword(core):
    if not core or len(core) > _SHORT or not _KEYWORDS_ONLY.fullmatch(core):
        return None
    kinds = {_KEYWORD_KIND[re.sub(r"\s+", "", w)] for w in _KEYWORD_RE.findall(core)}
    return min(kinds, key=_PRECEDENCE.get)


def _stop_clause(norm):
    """A clause that is only a STOP keyword (and maybe numbers): "8. STOP"."""
    if not _STRONG_STOP_HINT.search(norm):
        return False
    for clause in _CLAUSE_SPLIT.split(norm):
        if len(clause) > _SHORT:
            continue
        words = " ".join(w for w in _core(clause).split() if not w.isdigit())
        if words and _STRONG_STOP_ONLY.fullmatch(words):
            return True
    return False


def _keyword_kind(norm, core):
    """Rules 2 to 5: the kind a keyword, an opt-out or a complaint decides."""
    kind = _whole_message_keyword(core)
    if kind == "stop":
        return kind
    if _found(
        _OPT_OUT_SPACED_RE, _OPT_OUT_UNSPACED_RE, norm, _NEG_OPT_OUT, _NEG_OPT_OUT_CJK
    ) or _stop_clause(norm):
        return "stop"
    if kind:
        return kind
    if _found(
        _POSSIBLE_STOP_SPACED_RE, _POSSIBLE_STOP_UNSPACED_RE, norm, _NEVER, _NEVER
    ):
        return "possible_stop"
    if _found(
        _COMPLAINT_SPACED_RE,
        _COMPLAINT_UNSPACED_RE,
        norm,
        _NEG_COMPLAINT,
        _NEG_COMPLAINT_CJK,
    ):
        return "complaint"
    return None


# ---------------------------------------------------------------------------
# Numbers (rule 6)
# ---------------------------------------------------------------------------


def _words(words, unspaced=()):
    r"""Whole ``words`` (and ``unspaced`` substrings) as a fast alternation.

    ``(?<!\w)(?:one|two)`` is tried at every position of the text, while
    ``o(?<!\w.)ne|t(?<!\w.)wo`` starts each branch with a literal, which lets
    ``re`` jump straight to the candidate characters.
    """
    spaced = sorted({_fold(w) for w in words}, key=len, reverse=True)
    branches = [rf"{re.escape(w[0])}(?<!\w.){re.escape(w[1:])}(?!\w)" for w in spaced]
    branches += [re.escape(_fold(w)) for w in unspaced]
    return "|".join(branches)


_WORD_NUMBERS = {
    0: ("zero", "cero", "zéro", "null", "صفر"),
    1: ("one", "uno", "eins", "واحد", "واحدة"),
    2: ("two", "dos", "deux", "zwei", "اثنان", "اثنين", "اثنتان", "اثنتين"),
    3: ("three", "tres", "trois", "drei", "ثلاثة", "ثلاث"),
    4: ("four", "cuatro", "quatre", "vier", "أربعة", "أربع"),
    5: ("five", "cinco", "cinq", "fünf", "funf", "fuenf", "خمسة", "خمس"),
    6: ("six", "seis", "sechs", "ستة", "ست"),
    7: ("seven", "siete", "sept", "sieben", "سبعة", "سبع"),
    8: ("eight", "ocho", "huit", "acht", "ثمانية", "ثماني", "ثمان"),
    9: ("nine", "nueve", "neuf", "neun", "تسعة", "تسع"),
    10: ("ten", "diez", "dix", "zehn", "عشرة", "عشر"),
}
_WORD_VALUE = {_fold(w): n for n, words in _WORD_NUMBERS.items() for w in words}
_WORD_NUM = _words(_WORD_VALUE)
# Whole-message only: articles, and Thai words (Thai has no spaces).
_WHOLE_ONLY_VALUE = {
    "un": 1,
    "une": 1,
    "una": 1,
    "ein": 1,
    "eine": 1,
    "ศูนย์": 0,
    "หนึ่ง": 1,
    "สอง": 2,
    "สาม": 3,
    "สี่": 4,
    "ห้า": 5,
    "หก": 6,
    "เจ็ด": 7,
    "แปด": 8,
    "เก้า": 9,
    "สิบ": 10,
}
_ORDER_WORDS = (
    "order",
    "orden",
    "pedido",
    "commande",
    "bestellung",
    "auftrag",
    "invoice",
    "factura",
    "facture",
    "rechnung",
    "ref",
    "reference",
    "référence",
    "ticket",
    "booking",
    "reserva",
    "réservation",
    "reservation",
    "tracking",
    "طلب",
)
_ORDER_WORDS_UNSPACED = ("订单", "訂單", "单号", "單號", "คำสั่งซื้อ", "ออเดอร์")
_CN_VALUE = dict(
    zip("零〇一二两兩三四五六七八九十", (0, 0, 1, 2, 2, 2, *range(3, 11)), strict=True)
)
_CN_NUM = f"[{''.join(_CN_VALUE)}]"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_NUM = rf"(\d+|{_CN_NUM}|{_WORD_NUM})"

# Reasons to give up on the whole reply. Every branch starts at a digit.
_NUMBER_INVALID_RE = re.compile(
    r"\d(?:"
    r"[.,]\d"  # decimal (8.5, 8,5), or a thousands separator
    r"|\s?[%‰€£¥$]|(?<=[$€£¥₹]\d)|(?<=[$€£¥₹]\s\d)"  # percentage, amount
    r"|(?<=-\d)(?<![\w.-]-\d)"  # negative
    rf"|(?<={_LETTER}[-_/#]\d)"  # reference: SO-1234, a/5
    r"|[-_/#](?!stars?\b|estrellas?\b|[ée]toiles?\b|sterne?\b|points?\b)"
    rf"{_LETTER}"  # reference: 12-A (but 5-star is fine)
    ")"
)
_ORDER_REF_RE = re.compile(
    rf"(?:{_words(_ORDER_WORDS, _ORDER_WORDS_UNSPACED)})"
    r"\s*(?:(?:no\.?|nr\.?|number|n[úu]mero|n°|#|:|号|號)\s*)?#?\s*\d"
)
_GLUED_RE = re.compile(rf"\d(?:{_LETTER}|(?<={_LETTER}\d))")
_FRACTION_RE = re.compile(
    rf"(?<!{_ALNUM})(?<![./,-])(\d+)\s*/\s*(\d+)(?!{_ALNUM})(?![./,]\d)"
)
_OUT_OF_RE = re.compile(
    rf"{_NUM}\s+(?:out\s+of|of|over|de|sur|von|من)\s+{_NUM}(?!{_ALNUM})"
    rf"|{_NUM}\s*จาก\s*{_NUM}"
)
_FULL_MARKS_RE = re.compile(rf"(?:满分|滿分)\s*{_NUM}\s*分?")
# 分 and 星 as units, not in 分钟 (minutes), 分之 (fraction) or 星期 (week);
# a bare numeral + 分 only when no more Chinese follows but a final particle
# (八分吧), so that 十分满意 ("very satisfied") is not 10.
_CN_POINTS = "(?:分(?![钟鐘之])|颗星|顆星|星(?!期))"
_CN_END = rf"(?=\s*[吧啊呀哦了呢嘛啦喔]*\s*(?:$|[^{_HAN}]))"
_CN_SCORE_RE = re.compile(
    rf"(?:给|給|打|评|評)(?:了|个|個|它|他|她)?\s*{_NUM}\s*{_CN_POINTS}"
    rf"|(?:给|給|打|评|評)(?:了|它|他|她)?\s*{_NUM}(?=$|[^{_HAN}])"
    rf"|({_CN_NUM})\s*(?:颗星|顆星|星(?!期))"
    rf"|({_CN_NUM})\s*分{_CN_END}"
)
# Number words that are not numbers here: "the second one", "one of the
# best", and French "tres bien" typed without its accent (tres is 3 in es).
_NOT_A_NUMBER_RE = re.compile(
    r"\b(?:the|this|that|which|any|no|each|every|some|another|other|first"
    r"|second|third|last|next|right|wrong|good|best|new|old|same|only)\s+one\b"
    r"|\bone\s+of\s+(?:the|my|your|our|these|those|them|us)\b"
    r"|\btres\s+(?:bien|bon|bonne|bons|bonnes|content|contente|satisfait"
    r"|satisfaite|rapide|sympa|agreable|agréable|professionnel|mal|peu|cher)\b"
)
_LABEL_RE = re.compile(
    rf"(?<!{_ALNUM})(?:option|opci[oó]n|choice|choix|auswahl|nummer|number"
    rf"|n[úu]mero|nr\.?)\s*#?\s*{_NUM}(?!{_ALNUM})"
    r"|#\s*(\d+)"
    rf"|第\s*{_NUM}\s*(?:个|個|项|項|种|種|条|條|号|號|款|位|名|题|題)?"
    rf"|(?:选项|選項|选|選)\s*{_NUM}"
    rf"|(?:ข้อ|ตัวเลือก)\s*{_NUM}"
    rf"|(?:ال)?خيار\s*{_NUM}|رقم\s*{_NUM}"
)
_DIGIT_RE = re.compile(r"\d")
_DIGITS_RE = re.compile(r"\d+")
_WORD_NUM_RE = re.compile(_WORD_NUM)
_STARS = ("⭐", "★")


def _value(token):
    """The integer a number token stands for (huge when it is too long)."""
    if token.isdigit():
        return int(token) if len(token) <= 6 else 10**9
    if token in _CN_VALUE:
        return _CN_VALUE[token]
    return _WORD_VALUE[token]


def _blank(match):
    """Spaces in place of ``match``: positions in the text stay valid."""
    return " " * (match.end() - match.start())


class _Numbers:
    """Numbers found in a reply; ``bad`` once one makes the reply unusable.

    Each form taken out of the text is blanked with as many spaces, and its
    ``spans`` recorded, so that the rest of the reply can be cut around it.
    """

    __slots__ = ("high", "values", "bad", "spans")

    def __init__(self, high):
        self.high = high
        self.values = set()
        self.bad = False
        self.spans = []

    def take(self, match):
        for token in match.groups():
            if token is not None:
                self.values.add(_value(token))
                break
        self.spans.append(match.span())
        return _blank(match)

    def take_fraction(self, match):
        tokens = [t for t in match.groups() if t is not None]
        if _value(tokens[1]) == self.high:
            self.values.add(_value(tokens[0]))
        else:
            self.bad = True  # never rescale: 4/5 on a 1..10 question
        self.spans.append(match.span())
        return _blank(match)

    def check_full_marks(self, match):
        if _value(match.group(1)) != self.high:
            self.bad = True
        self.spans.append(match.span())
        return _blank(match)

    def take_remaining(self, text, digits, words):
        """The plain numbers left once the forms above were taken out."""
        if len(digits) + len(words) > 1:  # maybe "N out of M"
            text = _OUT_OF_RE.sub(self.take_fraction, text)
            digits = _DIGITS_RE.findall(text) if digits else ()
            words = _WORD_NUM_RE.findall(text) if words else ()
        self.values.update(map(_value, digits))
        self.values.update(map(_value, words))

    def take_remaining_spans(self, text):
        """As :meth:`take_remaining`, recording where each number stands."""
        matches = [*_DIGITS_RE.finditer(text), *_WORD_NUM_RE.finditer(text)]
        if len(matches) > 1:  # maybe "N out of M"
            text = _OUT_OF_RE.sub(self.take_fraction, text)
            matches = [*_DIGITS_RE.finditer(text), *_WORD_NUM_RE.finditer(text)]
        for match in matches:
            self.values.add(_value(match.group()))
            self.spans.append(match.span())


def _number_forms(norm, question, found):
    """Take out the written forms of rule 6; None when the reply is unusable."""
    has_digit = _DIGIT_RE.search(norm) is not None
    if has_digit and (_NUMBER_INVALID_RE.search(norm) or _ORDER_REF_RE.search(norm)):
        return None
    text = norm
    if "one" in text or "tres" in text:
        text = _NOT_A_NUMBER_RE.sub(_blank, text)
    if not text.isascii():
        text = _FULL_MARKS_RE.sub(found.check_full_marks, text)
        text = _CN_SCORE_RE.sub(found.take, text)
    if question == "choice":
        text = _LABEL_RE.sub(found.take, text)
    if has_digit:
        if _GLUED_RE.search(text):
            return None
        if "/" in text:
            text = _FRACTION_RE.sub(found.take_fraction, text)
    return text


def _number(norm, core, question, high):
    """Rule 6: the one number of the reply, or None."""
    found = _Numbers(high)
    text = _number_forms(norm, question, found)
    if text is None or found.bad:
        return None
    found.take_remaining(text, _DIGITS_RE.findall(text), _WORD_NUM_RE.findall(text))
    if found.bad:
        return None
    if not found.values:
        if core in _CN_VALUE:
            return _CN_VALUE[core]
        if core in _WHOLE_ONLY_VALUE:
            return _WHOLE_ONLY_VALUE[core]
        if question == "stars":
            count = sum(norm.count(star) for star in _STARS)
            return count or None
    if len(found.values) == 1:
        return next(iter(found.values))
    return None


# ---------------------------------------------------------------------------
# The rest of a numeric answer (rule 8)
# ---------------------------------------------------------------------------

# A unit written after the number: part of its expression.
_UNIT_RE = re.compile(
    r"\s*(?:(?:stars?|points?|pts?|estrellas?|puntos?|[ée]toiles?|sterne?"
    r"|punkte?)(?!\w)|คะแนน|颗星|顆星|分(?![钟鐘之])|星(?!期)|[⭐★]+)"
)
_STAR_RUN_RE = re.compile("[⭐★]+")
# What may separate a comment from its score.
_SEPARATORS = ",.;:!?()…-–—/|，。；：！？、\n"
_EDGE = _SEPARATORS + " \t\r"


def _fold_mapped(text):
    """:func:`_fold` one character at a time: the folded text, and for each
    of its characters the index of the character of ``text`` it comes from."""
    parts, origin = [], []
    for index, char in enumerate(text):
        folded = _fold(char)
        parts.append(folded)
        origin.extend([index] * len(folded))
    return "".join(parts), origin


def _number_spans(folded, question, high):
    """Where rule 6 reads the number in ``folded``: ``(start, end)`` spans."""
    found = _Numbers(high)
    text = _number_forms(folded, question, found)
    if text is None:
        return []
    found.take_remaining_spans(text)
    if not found.spans and question == "stars":
        found.spans = [m.span() for m in _STAR_RUN_RE.finditer(folded)]
    return found.spans


def _is_filler(text):
    """Whether ``text`` says nothing: punctuation, emoji, filler words."""
    return not _core(_normalize_clean(text))


def _rest(cleaned, question, high):
    """Rule 8: the words of ``cleaned`` besides its number, or ``""``."""
    folded, origin = _fold_mapped(cleaned)
    spans = _number_spans(folded, question, high)
    if not spans:
        return ""
    first = min(start for start, _end in spans)
    last = max(end for _start, end in spans)
    unit = _UNIT_RE.match(folded, last)
    if unit:
        last = unit.end()
    end = origin[last - 1] + 1
    while end < len(cleaned) and not _fold(cleaned[end]):
        end += 1  # marks folded away with the number (the keycap of 8️⃣)
    before, after = cleaned[: origin[first]], cleaned[end:]
    if _is_filler(before):
        rest = after.lstrip(_EDGE)
    elif _is_filler(after):
        stripped = before.rstrip(" \t\r")
        rest = before.rstrip(_EDGE) if stripped[-1:] in _SEPARATORS else ""
    else:
        rest = cleaned
    return "" if _is_filler(rest) else rest


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


def _bounds(question, low, high):
    if question not in QUESTIONS:
        raise ValueError(f"Unknown question type {question!r}")
    if question == "free":
        return None, None
    default_low, default_high = _DEFAULT_BOUNDS[question]
    low = default_low if low is None else int(low)
    high = default_high if high is None else int(high)
    if low > high:
        raise ValueError(f"low ({low}) is above high ({high})")
    return low, high


def parse_reply(text, question="free", low=None, high=None):
    """Classify the reply ``text`` to a question of type ``question``.

    :param text: the SMS body (``None``, bytes and any string are accepted)
    :param question: ``"free"``, ``"scale"``, ``"stars"`` or ``"choice"``
    :param low: smallest accepted number (0 for scale, 1 for stars and choice)
    :param high: largest accepted number (10 for scale, 5 for stars, the
        number of options for choice; 10 when not given)
    :return: a :class:`ParsedReply`; see the module docstring for the rules
    """
    return _parse(text, question, low, high, keywords=True)


def parse_answer(text, question="free", low=None, high=None):
    """Read ``text`` as an answer to ``question``, by rules 1 and 6 to 8 only.

    For a caller that classified the reply already (a conversation follows
    the classification stored when the reply arrived, or a person's review
    of it): the kind is ``"answer"`` or ``"unparseable"``, never a keyword's.
    Same parameters as :func:`parse_reply`.
    """
    return _parse(text, question, low, high, keywords=False)


def _parse(text, question, low, high, keywords):
    low, high = _bounds(question, low, high)
    clean = strip_signature(_to_text(text))
    norm = _normalize_clean(clean)
    cleaned = " ".join(clean.split())
    if not norm:
        return ParsedReply("unparseable", None, cleaned)
    core = _core(norm)
    kind = keywords and _keyword_kind(norm, core)
    if kind:
        return ParsedReply(kind, None, cleaned)
    if question == "free":
        return ParsedReply("answer", cleaned, cleaned)
    value = _number(norm, core, question, high)
    if value is not None and low <= value <= high:
        rest = "" if core.isdigit() else _rest(cleaned, question, high)
        return ParsedReply("answer", value, cleaned, rest)
    return ParsedReply("unparseable", None, cleaned)
