from . import sms_question
