from . import test_review_on_delivery
