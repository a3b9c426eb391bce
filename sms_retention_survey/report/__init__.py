from . import sms_retention_survey_report
