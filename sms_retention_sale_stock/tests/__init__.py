from . import test_review_on_delivery
from . import test_i18n
