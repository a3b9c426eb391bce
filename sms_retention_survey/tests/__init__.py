from . import test_install
from . import test_sms_question
from . import test_survey_flow
