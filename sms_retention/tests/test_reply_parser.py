# Copyright 2026 SMS Retention developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The reply parser, rule by rule (see the docstring of tools/reply_parser.py).

Every table row is ``(text, question, low, high, expected kind, expected value)``;
``low``/``high`` None means the question's default bounds.
"""

from odoo.tests import BaseCase, tagged

from ..tools.reply_parser import (
    KINDS,
    ParsedReply,
    normalize,
    parse_answer,
    parse_reply,
)

F, S, ST, C = "free", "scale", "stars", "choice"
A, U = "answer", "unparseable"

# Rule 1: normalisation (NFKC, Unicode digits, invisible marks, signatures).
NORMALISE = [
    ("８", S, None, None, A, 8),
    ("８/１０", S, 1, 10, A, 8),
    ("ＳＴＯＰ", F, None, None, "stop", None),
    ("٨", S, None, None, A, 8),
    ("๘", S, None, None, A, 8),
    ("१०", S, None, None, A, 10),
    ("٩ من ١٠", S, None, None, A, 9),
    ("S\u200bTOP", F, None, None, "stop", None),
    ("ST\u200dOP", F, None, None, "stop", None),
    ("\ufeffstop\u200f", F, None, None, "stop", None),
    ("8\ufe0f\u20e3", S, None, None, A, 8),
    ("🔟", S, None, None, A, 10),
    ("Great service\nSent from my iPhone", F, None, None, A, "Great service"),
    ("8\n--\nJohn Smith\n+1 555 0100", S, None, None, A, 8),
    ("Stop texting me Sent from my iPhone", F, None, None, "stop", None),
    ("9\n\nEnviado desde mi iPhone", S, None, None, A, 9),
    ("非常好\n发自我的iPhone", F, None, None, A, "非常好"),
    ("很好\n從我的 iPhone 傳送", F, None, None, A, "很好"),
    ("7\nVon meinem iPhone gesendet", S, None, None, A, 7),
    ("ดีมาก\nส่งจาก iPhone ของฉัน", F, None, None, A, "ดีมาก"),
    ("ممتاز\nأرسلت من iPhone", F, None, None, A, "ممتاز"),
    ("Très bien\nCordialement\nMarie", F, None, None, A, "Très bien"),
    ("Great\n\nKind regards,\nJohn Smith", F, None, None, A, "Great"),
    ("Sent from my iPhone\nSTOP", F, None, None, "stop", None),
    ("Sent from my iPhone", F, None, None, U, None),
    ("  Great \n\n service  ", F, None, None, A, "Great service"),
    ("ＦＵＬＬ width kept", F, None, None, A, "ＦＵＬＬ width kept"),
    ("Great\u200b job", F, None, None, A, "Great job"),
    ("شُكْرًا، ٩", S, None, None, A, 9),
]

# Rules 2 and 3: whole-message keywords, after punctuation, emoji and fillers.
WHOLE_MESSAGE = [
    ("STOP", F, None, None, "stop", None),
    ("stop!!!", F, None, None, "stop", None),
    ("STOP 🙏", F, None, None, "stop", None),
    ("Stop please", F, None, None, "stop", None),
    ("please stop", F, None, None, "stop", None),
    ("stop stop stop", F, None, None, "stop", None),
    ("STOPALL", F, None, None, "stop", None),
    ("Stop all", F, None, None, "stop", None),
    ("UNSUBSCRIBE", F, None, None, "stop", None),
    ("cancel", F, None, None, "stop", None),
    ("CANCEL.", S, None, None, "stop", None),
    ("end", F, None, None, "stop", None),
    ("Quit", F, None, None, "stop", None),
    ("OPTOUT", F, None, None, "stop", None),
    ("opt-out", F, None, None, "stop", None),
    ("REVOKE", F, None, None, "stop", None),
    ("TD", F, None, None, "stop", None),
    ("td", S, None, None, "stop", None),
    ("退订", F, None, None, "stop", None),
    ("退訂", F, None, None, "stop", None),
    ("请退订，谢谢", F, None, None, "stop", None),
    ("取消订阅", F, None, None, "stop", None),
    ("取消訂閱", F, None, None, "stop", None),
    ("ยกเลิก", F, None, None, "stop", None),
    ("ยกเลิกครับ", F, None, None, "stop", None),
    ("ยกเลิกค่ะ", S, None, None, "stop", None),
    ("BAJA", F, None, None, "stop", None),
    ("Baja por favor", F, None, None, "stop", None),
    ("ARRET", F, None, None, "stop", None),
    ("Arrêt merci", F, None, None, "stop", None),
    ("STOPP", F, None, None, "stop", None),
    ("Stopp bitte", F, None, None, "stop", None),
    ("إلغاء", F, None, None, "stop", None),
    ("الغاء من فضلك", F, None, None, "stop", None),
    ("START", F, None, None, "start", None),
    ("Yes!", F, None, None, "start", None),
    ("YES please", F, None, None, "start", None),
    ("unstop", F, None, None, "start", None),
    ("Start 👍", F, None, None, "start", None),
    ("HELP", F, None, None, "help", None),
    ("help?", F, None, None, "help", None),
    ("INFO", S, None, None, "help", None),
    ("帮助", F, None, None, "help", None),
    ("幫助", F, None, None, "help", None),
    ("AYUDA", F, None, None, "help", None),
    ("aide", F, None, None, "help", None),
    ("Hilfe bitte", F, None, None, "help", None),
    ("ช่วยเหลือ", F, None, None, "help", None),
    ("مساعدة", F, None, None, "help", None),
    # Only the whole message counts for CANCEL, END and the like.
    ("the end", F, None, None, A, "the end"),
    ("cancel my order", F, None, None, A, "cancel my order"),
    ("I need to cancel my appointment", S, None, None, U, None),
    ("Quit smoking was hard, 6", S, None, None, A, 6),
    ("取消订单", F, None, None, A, "取消订单"),
    ("ยกเลิกการจอง", F, None, None, A, "ยกเลิกการจอง"),
    ("Baja calidad", F, None, None, A, "Baja calidad"),
    ("Need help with my order", F, None, None, A, "Need help with my order"),
    # Precedence: stop > start > help, whatever the question.
    ("yes", S, None, None, "start", None),
    ("YES", ST, None, None, "start", None),
    ("help stop", F, None, None, "stop", None),
    ("yes, stop", F, None, None, "stop", None),
    ("start help", F, None, None, "start", None),
]

# Rule 4: an opt-out anywhere in the text, unless negated.
OPT_OUT_ANYWHERE = [
    ("Stop texting me please", F, None, None, "stop", None),
    ("Please unsubscribe me", F, None, None, "stop", None),
    ("I want to opt out", F, None, None, "stop", None),
    ("No more messages!", F, None, None, "stop", None),
    ("remove me from your list", F, None, None, "stop", None),
    ("Take me off this list", F, None, None, "stop", None),
    ("Don't text me again", F, None, None, "stop", None),
    ("8 but please stop sending these", S, None, None, "stop", None),
    ("Great service, unsubscribe", S, None, None, "stop", None),
    ("Why can't I unsubscribe?", F, None, None, "stop", None),
    ("I don't know how to unsubscribe", F, None, None, "stop", None),
    ("8. STOP", S, None, None, "stop", None),
    ("8 stop", S, None, None, "stop", None),
    ("Stop! Wrong number", F, None, None, "stop", None),
    ("回复退订", F, None, None, "stop", None),
    ("回复TD退订", F, None, None, "stop", None),
    ("我要退订", F, None, None, "stop", None),
    ("別再發了", F, None, None, "stop", None),
    ("请不要再发短信了", F, None, None, "stop", None),
    ("請取消訂閱", F, None, None, "stop", None),
    ("หยุดส่งข้อความได้แล้ว", F, None, None, "stop", None),
    ("No más mensajes por favor", F, None, None, "stop", None),
    ("Quiero darme de baja", F, None, None, "stop", None),
    ("Je veux me désabonner", F, None, None, "stop", None),
    ("Arrêtez de m'envoyer des SMS", F, None, None, "stop", None),
    ("Ich möchte mich abmelden", F, None, None, "stop", None),
    ("Bitte keine SMS mehr", F, None, None, "stop", None),
    ("أريد إلغاء الاشتراك", F, None, None, "stop", None),
    # Negated, or not an opt-out at all.
    ("please don't stop", F, None, None, A, "please don't stop"),
    ("Don't stop sending these", F, None, None, A, "Don't stop sending these"),
    ("I don't want to unsubscribe", F, None, None, A, "I don't want to unsubscribe"),
    ("I do not want to opt out, 9", S, None, None, A, 9),
    ("Please don’t stop, 10", S, None, None, A, 10),
    ("我不想退订", F, None, None, A, "我不想退订"),
    ("不要退订", F, None, None, A, "不要退订"),
    ("ไม่ต้องหยุดส่ง", F, None, None, A, "ไม่ต้องหยุดส่ง"),
    ("No quiero darme de baja", F, None, None, A, "No quiero darme de baja"),
    ("Je ne veux pas me désabonner", F, None, None, A, "Je ne veux pas me désabonner"),
    ("Ich will mich nicht abmelden", F, None, None, A, "Ich will mich nicht abmelden"),
    ("لا أريد إلغاء الاشتراك", F, None, None, A, "لا أريد إلغاء الاشتراك"),
    ("Stop by anytime", F, None, None, A, "Stop by anytime"),
    ("The bus stop was far, 6", S, None, None, A, 6),
]

# Rule 5: complaints, unless negated; below opt-outs, above answers.
COMPLAINT = [
    ("I want to complain", F, None, None, "complaint", None),
    ("This is a complaint about your staff", F, None, None, "complaint", None),
    ("Complaint: 2/10", S, None, None, "complaint", None),
    ("我要投诉", F, None, None, "complaint", None),
    ("我要投訴", S, None, None, "complaint", None),
    ("ต้องการร้องเรียน", F, None, None, "complaint", None),
    ("Tengo una queja", F, None, None, "complaint", None),
    ("Je veux déposer une plainte", F, None, None, "complaint", None),
    ("Ich habe eine Beschwerde", F, None, None, "complaint", None),
    ("أريد تقديم شكوى", F, None, None, "complaint", None),
    ("I complain, unsubscribe me", F, None, None, "stop", None),
    ("No complaints, 9/10", S, None, None, A, 9),
    ("no complaints", F, None, None, A, "no complaints"),
    ("I can't complain", F, None, None, A, "I can't complain"),
    ("没有投诉，9分", S, None, None, A, 9),
    ("沒有投訴", F, None, None, A, "沒有投訴"),
    ("ไม่มีอะไรร้องเรียน 10", S, None, None, A, 10),
    ("Sin quejas, 10", S, None, None, A, 10),
    ("Aucune plainte, 9", S, None, None, A, 9),
    ("Keine Beschwerde, 8", S, None, None, A, 8),
    ("لا شكوى، ٩", S, None, None, A, 9),
]


# Rules 3 to 5 in plain words, per language: refusals (stop), what only looks
# like one (possible_stop, for a person to review), complaints beyond the
# literal word, and their near misses, which must stay answers.
PS, CP = "possible_stop", "complaint"
PLAIN_WORDS = {
    "en": [
        ("I no longer want these texts", F, None, None, "stop", None),
        ("I don't want your messages anymore", F, None, None, "stop", None),
        ("please delete my number", F, None, None, "stop", None),
        ("How do I stop getting these?", F, None, None, "stop", None),
        (
            "keep them coming, don't stop",
            F,
            None,
            None,
            A,
            "keep them coming, don't stop",
        ),
        (
            "the stop button in your app froze",
            F,
            None,
            None,
            A,
            "the stop button in your app froze",
        ),
        ("can I cancel one item?", F, None, None, A, "can I cancel one item?"),
        (
            "I don't want to stop getting these",
            F,
            None,
            None,
            A,
            "I don't want to stop getting these",
        ),
        ("not interested", F, None, None, PS, None),
        ("Wrong number", F, None, None, PS, None),
        ("who is this?", F, None, None, PS, None),
        ("I never signed up for this", F, None, None, PS, None),
        ("Not interested, 2", S, None, None, PS, None),
        ("the chair arrived broken, I want a refund", F, None, None, CP, None),
        ("2, the chair arrived broken", S, None, None, CP, None),
        ("My order never arrived", F, None, None, CP, None),
        ("I haven't received my order", F, None, None, CP, None),
        ("This is a scam", F, None, None, CP, None),
        ("no refund needed, all good", F, None, None, A, "no refund needed, all good"),
        ("terrible service", F, None, None, A, "terrible service"),
        ("1 terrible", S, None, None, A, 1),
        ("2", S, None, None, A, 2),
    ],
    "zh_CN": [
        ("R", F, None, None, "stop", None),
        ("T", F, None, None, "stop", None),
        ("不要再给我发短信了", F, None, None, "stop", None),
        ("我不想再收到这些信息", F, None, None, "stop", None),
        ("以后别发了", F, None, None, "stop", None),
        ("别烦我", F, None, None, "stop", None),
        ("R 是什么意思", F, None, None, A, "R 是什么意思"),
        ("不感兴趣", F, None, None, PS, None),
        ("你是谁？", F, None, None, PS, None),
        ("打错了", F, None, None, PS, None),
        ("我要退款", F, None, None, CP, None),
        ("东西坏了", F, None, None, CP, None),
        ("给你差评", F, None, None, CP, None),
        ("快递还没到", F, None, None, CP, None),
        ("服务太差，3分", S, None, None, A, 3),
        ("不用退款，挺好的", F, None, None, A, "不用退款，挺好的"),
    ],
    "zh_TW": [
        ("請勿再傳簡訊", F, None, None, "stop", None),
        ("不要再給我發了", F, None, None, "stop", None),
        ("不想收到這些", F, None, None, "stop", None),
        ("不感興趣", F, None, None, PS, None),
        ("騷擾", F, None, None, PS, None),
        ("東西壞了，要退錢", F, None, None, CP, None),
        ("我還沒收到", F, None, None, CP, None),
        ("這是詐騙嗎", F, None, None, CP, None),
    ],
    "th": [
        ("ไม่อยากได้รับข้อความแล้ว", F, None, None, "stop", None),
        ("ไม่ต้องการรับข้อความค่ะ", F, None, None, "stop", None),
        ("งดส่งนะครับ", F, None, None, "stop", None),
        ("ไม่สนใจค่ะ", F, None, None, PS, None),
        ("ส่งผิดเบอร์", F, None, None, PS, None),
        ("ขอคืนเงินค่ะ", F, None, None, CP, None),
        ("ยังไม่ได้รับของเลย", F, None, None, CP, None),
        ("สินค้าชำรุด", F, None, None, CP, None),
        ("รบกวนส่งใบเสร็จให้ด้วยค่ะ", F, None, None, A, "รบกวนส่งใบเสร็จให้ด้วยค่ะ"),
    ],
    "es": [
        ("Ya no quiero recibir mensajes", F, None, None, "stop", None),
        ("No quiero recibir más SMS", F, None, None, "stop", None),
        ("Quítenme de la lista", F, None, None, "stop", None),
        ("No me interesa", F, None, None, PS, None),
        ("Número equivocado", F, None, None, PS, None),
        ("Quiero un reembolso, llegó roto", F, None, None, CP, None),
        ("El pedido nunca llegó", F, None, None, CP, None),
        ("Es una estafa", F, None, None, CP, None),
        (
            "¿Puedo cancelar un artículo?",
            F,
            None,
            None,
            A,
            "¿Puedo cancelar un artículo?",
        ),
    ],
    "fr": [
        ("Je ne veux plus recevoir de SMS", F, None, None, "stop", None),
        ("Ne m'envoyez plus de messages", F, None, None, "stop", None),
        ("Retirez-moi de votre liste", F, None, None, "stop", None),
        ("Pas intéressé", F, None, None, PS, None),
        ("Mauvais numéro", F, None, None, PS, None),
        ("Je n'ai jamais reçu ma commande", F, None, None, CP, None),
        ("Je veux être remboursé, c'est cassé", F, None, None, CP, None),
        ("C'est une arnaque", F, None, None, CP, None),
        ("N'arrêtez pas, j'adore", F, None, None, A, "N'arrêtez pas, j'adore"),
    ],
    "de": [
        ("Bitte tragen Sie mich aus", F, None, None, "stop", None),
        ("Löschen Sie meine Nummer", F, None, None, "stop", None),
        ("Hört auf mir zu schreiben", F, None, None, "stop", None),
        ("Kein Interesse", F, None, None, PS, None),
        ("Falsche Nummer", F, None, None, PS, None),
        ("Die Ware ist kaputt angekommen", F, None, None, CP, None),
        ("Das Paket ist nie angekommen", F, None, None, CP, None),
        ("Ich will mein Geld zurück", F, None, None, CP, None),
        ("Nicht kaputt, alles gut, 9", S, None, None, A, 9),
    ],
    "ar": [
        ("لا أريد هذه الرسائل", F, None, None, "stop", None),
        ("توقفوا عن مراسلتي", F, None, None, "stop", None),
        ("احذف رقمي", F, None, None, "stop", None),
        ("غير مهتم", F, None, None, PS, None),
        ("رقم خطأ", F, None, None, PS, None),
        ("المنتج مكسور", F, None, None, CP, None),
        ("لم يصل الطلب", F, None, None, CP, None),
        ("أريد استرداد المبلغ", F, None, None, CP, None),
    ],
}

# Rule 6: one distinct number in range, in the forms each language writes it.
SCALE = [
    ("8", S, None, None, A, 8),
    ("0", S, None, None, A, 0),
    ("10", S, None, None, A, 10),
    ("8 thanks", S, None, None, A, 8),
    ("8/10", S, 1, 10, A, 8),
    ("10/10!!!", S, None, None, A, 10),
    ("4/5", S, 1, 10, U, None),
    ("12/10", S, None, None, U, None),
    ("8 out of 10", S, None, None, A, 8),
    ("8 out of 5", S, None, None, U, None),
    ("ten out of ten", S, None, None, A, 10),
    ("8 de 10", S, None, None, A, 8),
    ("8 sur 10", S, None, None, A, 8),
    ("8 von 10", S, None, None, A, 8),
    ("7 or 8", S, None, None, U, None),
    ("7-8", S, None, None, U, None),
    ("8, I said 8", S, None, None, A, 8),
    ("88", S, 1, 10, U, None),
    ("11", S, None, None, U, None),
    ("0", S, 1, 10, U, None),
    ("5", S, 1, 5, A, 5),
    ("8.5", S, None, None, U, None),
    ("8,5", S, None, None, U, None),
    ("-3", S, None, None, U, None),
    ("3rd", S, None, None, U, None),
    ("8pm", S, None, None, U, None),
    ("80%", S, None, None, U, None),
    ("$5", S, None, None, U, None),
    ("order SO1234 was late", S, None, None, U, None),
    ("order 5 was late", S, None, None, U, None),
    ("SO-5", S, None, None, U, None),
    ("I'd give it a 9", S, None, None, A, 9),
    ("Eight!", S, None, None, A, 8),
    ("nine, great service", S, None, None, A, 9),
    ("one or two", S, None, None, U, None),
    ("great service", S, None, None, U, None),
    ("ocho", S, None, None, A, 8),
    ("Diez, gracias", S, None, None, A, 10),
    ("huit", S, None, None, A, 8),
    ("C'est un 8", S, None, None, A, 8),
    ("acht", S, None, None, A, 8),
    ("Zehn von zehn", S, None, None, A, 10),
    ("ثمانية", S, None, None, A, 8),
    ("عشرة", S, None, None, A, 10),
    ("八", S, None, None, A, 8),
    ("十", S, None, None, A, 10),
    ("八，谢谢", S, None, None, A, 8),
    ("给十分", S, None, None, A, 10),
    ("給十分", S, None, None, A, 10),
    ("打八分", S, None, None, A, 8),
    ("八分", S, None, None, A, 8),
    ("8分", S, None, None, A, 8),
    ("满分10分，给8分", S, None, None, A, 8),
    ("滿分5分，給4分", S, 1, 10, U, None),
    ("十分满意", S, None, None, U, None),
    ("十分滿意", S, None, None, U, None),
    ("非常满意", S, None, None, U, None),
    ("第三个", S, None, None, U, None),
    ("还行，七分吧", S, None, None, A, 7),
    ("满意，九分", S, None, None, A, 9),
    ("打三分钟电话", S, None, None, U, None),
    ("十分了解", S, None, None, U, None),
    ("Tres bien", S, None, None, U, None),
    ("tres bien, 9", S, None, None, A, 9),
    ("24/7 service, 9", S, None, None, U, None),
    ("8:30", S, None, None, U, None),
    ("#8", S, None, None, A, 8),
    ("٨٫٥", S, None, None, U, None),
    ("8 ครับ", S, None, None, A, 8),
    ("8ค่ะ", S, None, None, A, 8),
    ("ให้ 9 คะแนน", S, None, None, A, 9),
    ("แปด", S, None, None, A, 8),
    ("9 จาก 10", S, None, None, A, 9),
    ("⭐⭐⭐⭐", S, None, None, U, None),
]
STARS = [
    ("5⭐", ST, None, None, A, 5),
    ("⭐⭐⭐⭐", ST, None, None, A, 4),
    ("⭐️⭐️⭐️", ST, None, None, A, 3),
    ("★★★☆☆", ST, None, None, A, 3),
    ("⭐⭐⭐⭐⭐⭐", ST, None, None, U, None),
    ("2 ⭐⭐⭐⭐⭐", ST, None, None, A, 2),
    ("5 stars", ST, None, None, A, 5),
    ("5-star service", ST, None, None, A, 5),
    ("five stars", ST, None, None, A, 5),
    ("cinq étoiles", ST, None, None, A, 5),
    ("fünf Sterne", ST, None, None, A, 5),
    ("خمس نجوم", ST, None, None, A, 5),
    ("五星", ST, None, None, A, 5),
    ("五颗星", ST, None, None, A, 5),
    ("四顆星", ST, None, None, A, 4),
    ("4/5", ST, None, None, A, 4),
    ("8/10", ST, None, None, U, None),
    ("6", ST, None, None, U, None),
    ("0", ST, None, None, U, None),
    ("五星好评", ST, None, None, A, 5),
    ("一星期前买的", ST, None, None, U, None),
]
CHOICE = [
    ("Option 3", C, 1, 4, A, 3),
    ("option3", C, 1, 4, A, 3),
    ("#5", C, 1, 5, A, 5),
    ("3", C, 1, 4, A, 3),
    ("第三个", C, 1, 5, A, 3),
    ("第3個", C, 1, 5, A, 3),
    ("选项2", C, 1, 3, A, 2),
    ("選項2", C, 1, 3, A, 2),
    ("ข้อ 3", C, 1, 4, A, 3),
    ("الخيار 3", C, 1, 4, A, 3),
    ("opción 2", C, 1, 3, A, 2),
    ("choix 2", C, 1, 3, A, 2),
    ("Option three", C, 1, 4, A, 3),
    ("6", C, 1, 5, U, None),
    ("Option 3 or 4", C, 1, 4, U, None),
    ("order #5 was late", C, 1, 5, U, None),
    ("B", C, 1, 4, U, None),
    ("the second one", C, 1, 4, U, None),
    ("2 and 3", C, 1, 4, U, None),
    ("2️⃣", C, 1, 4, A, 2),
]

# Rule 7: free questions take any visible text, cleaned but not folded.
FREE = [
    ("The staff were lovely", F, None, None, A, "The staff were lovely"),
    ("很好，谢谢", F, None, None, A, "很好，谢谢"),
    ("服務很好，謝謝", F, None, None, A, "服務很好，謝謝"),
    ("บริการดีมาก", F, None, None, A, "บริการดีมาก"),
    ("Muy bien", F, None, None, A, "Muy bien"),
    ("Très bien, merci", F, None, None, A, "Très bien, merci"),
    ("Sehr gut", F, None, None, A, "Sehr gut"),
    ("ممتاز", F, None, None, A, "ممتاز"),
    ("8", F, None, None, A, "8"),
    ("👍", F, None, None, A, "👍"),
    ("STOP", F, None, None, "stop", None),
    ("yes", F, None, None, "start", None),
    ("help", F, None, None, "help", None),
    ("I want to complain", F, None, None, "complaint", None),
    ("", F, None, None, U, None),
    ("   \n ", F, None, None, U, None),
    ("\u200b", F, None, None, U, None),
]


# Rule 8: the words that come with a numeric answer, as ``(text, question,
# low, high, value, rest)``.
REST = [
    ("2 the delivery was late", S, 0, 10, 2, "the delivery was late"),
    ("8/10 great service", S, 1, 10, 8, "great service"),
    ("给8分 服务很好", S, 0, 10, 8, "服务很好"),
    ("8", S, 0, 10, 8, ""),
    ("8!", S, 0, 10, 8, ""),
    ("8 thanks", S, 0, 10, 8, ""),
    ("8 ครับ", S, 0, 10, 8, ""),
    ("8 👍", S, 0, 10, 8, ""),
    ("Great service, 9", S, 0, 10, 9, "Great service"),
    ("I'd give it a 9", S, 0, 10, 9, ""),
    (
        "I'd give it a 9 because it was fast",
        S,
        0,
        10,
        9,
        "I'd give it a 9 because it was fast",
    ),
    ("还行，七分吧", S, 0, 10, 7, "还行"),
    ("ให้ 9 คะแนน ส่งเร็ว", S, 0, 10, 9, "ให้ 9 คะแนน ส่งเร็ว"),
    ("ให้ 9 คะแนน", S, 0, 10, 9, ""),
    ("满分10分，给8分", S, 0, 10, 8, ""),
    ("nine, great service", S, 0, 10, 9, "great service"),
    ("8 out of 10, fast delivery", S, 0, 10, 8, "fast delivery"),
    ("2\nthe delivery was late.", S, 0, 10, 2, "the delivery was late."),
    ("８ Great!", S, 0, 10, 8, "Great!"),
    ("8\ufe0f\u20e3 super 👍", S, 0, 10, 8, "super 👍"),
    ("5 stars, lovely staff", ST, 1, 5, 5, "lovely staff"),
    ("⭐⭐⭐⭐ good food", ST, 1, 5, 4, "good food"),
    ("Option 3 too expensive", C, 1, 4, 3, "too expensive"),
    ("3 - moved away", C, 1, 4, 3, "moved away"),
]


@tagged("post_install", "-at_install")
class TestReplyParser(BaseCase):
    def _check(self, table):
        for text, question, low, high, kind, value in table:
            with self.subTest(text=text, question=question, low=low, high=high):
                reply = parse_reply(text, question=question, low=low, high=high)
                self.assertEqual((reply.kind, reply.value), (kind, value))

    def test_tables_are_large_enough(self):
        tables = (
            NORMALISE,
            WHOLE_MESSAGE,
            OPT_OUT_ANYWHERE,
            COMPLAINT,
            SCALE,
            STARS,
            CHOICE,
            FREE,
        )
        self.assertGreaterEqual(sum(map(len, tables)), 150)

    def test_rule1_normalise(self):
        self._check(NORMALISE)

    def test_rule3_whole_message_keywords(self):
        self._check(WHOLE_MESSAGE)

    def test_rule4_opt_out_anywhere(self):
        self._check(OPT_OUT_ANYWHERE)

    def test_rule5_complaint(self):
        self._check(COMPLAINT)

    def test_plain_words_in_eight_languages(self):
        self.assertEqual(
            set(PLAIN_WORDS), {"en", "zh_CN", "zh_TW", "th", "es", "fr", "de", "ar"}
        )
        for lang, table in PLAIN_WORDS.items():
            with self.subTest(lang=lang):
                kinds = {row[4] for row in table}
                self.assertLessEqual({"stop", PS, CP}, kinds)
                self._check(table)

    def test_parse_answer_reads_the_value_only(self):
        """A reply classified already (or reviewed by a person) is read for
        its value: no keyword, opt-out or complaint rule applies."""
        for text, question, kind, value in (
            ("2, the chair arrived broken", S, A, 2),
            ("Not interested, 2", S, A, 2),
            ("not interested", F, A, "not interested"),
            ("STOP", S, U, None),
            ("8. STOP", S, A, 8),
        ):
            with self.subTest(text=text):
                reply = parse_answer(text, question=question)
                self.assertEqual((reply.kind, reply.value), (kind, value))

    def test_rule6_scale(self):
        self._check(SCALE)

    def test_rule6_stars(self):
        self._check(STARS)

    def test_rule6_choice(self):
        self._check(CHOICE)

    def test_rule7_free(self):
        self._check(FREE)

    def test_rule8_rest_of_a_numeric_answer(self):
        for text, question, low, high, value, rest in REST:
            with self.subTest(text=text):
                reply = parse_reply(text, question=question, low=low, high=high)
                self.assertEqual(
                    (reply.kind, reply.value, reply.rest), (A, value, rest)
                )

    def test_rest_is_empty_for_other_kinds(self):
        self.assertEqual(parse_reply("Great service").rest, "")
        self.assertEqual(parse_reply("8 stop", "scale").rest, "")
        self.assertEqual(parse_reply("great service", "scale").rest, "")

    def test_normalize_helper(self):
        self.assertEqual(normalize("ＳＴＯＰ\u200b!"), "stop!")
        self.assertEqual(normalize("٨ ๘ ８"), "8 8 8")
        self.assertEqual(normalize("Great\n\nSent from my iPhone"), "great")
        self.assertEqual(normalize(None), "")

    def test_text_is_kept_for_every_kind(self):
        reply = parse_reply("  Stop texting me\nSent from my iPhone")
        self.assertEqual(reply, ParsedReply("stop", None, "Stop texting me"))

    def test_default_bounds(self):
        self.assertEqual(parse_reply("0", "scale").value, 0)
        self.assertEqual(parse_reply("0", "stars").kind, U)
        self.assertEqual(parse_reply("10", "choice").value, 10)
        self.assertEqual(parse_reply("4", "choice", high=3).kind, U)

    def test_programming_errors_raise(self):
        with self.assertRaises(ValueError):
            parse_reply("8", question="rating")
        with self.assertRaises(ValueError):
            parse_reply("8", question="scale", low=10, high=1)

    def test_hostile_input_never_raises(self):
        texts = [
            None,
            "",
            "   ",
            b"STOP",
            bytearray(b"\xff\xfe8"),
            8,
            "\ud800",
            "\udfff8\ud83d",
            "STOP\udc00",
            "\x00\x07\x1b8",
            "x" * 5000,
            "8" * 5000,
            "8 " * 2500,
            "stop " * 1000,
            "退订" * 2500,
            "⭐" * 5000,
            "1/10 " * 1000,
            "Regards\n" * 1000,
            ("Sent from my iPhone " * 250),
            "".join(chr(c) for c in range(0x20, 0x1420)),
        ]
        for text in texts:
            for question in ("free", "scale", "stars", "choice"):
                with self.subTest(text=repr(text)[:30], question=question):
                    reply = parse_reply(text, question=question)
                    self.assertIn(reply.kind, KINDS)
        self.assertEqual(parse_reply(None).kind, U)
        self.assertEqual(parse_reply("").kind, U)
        self.assertEqual(parse_reply("\ud800stop").kind, "stop")
        self.assertEqual(parse_reply("x" * 5000, "scale").kind, U)
