"""What users are told about API failures."""

import pytest

from albums import adultwork as aw
from albums.errors import check_error_from, member_list_error_from, portal_error_from


@pytest.mark.parametrize(
    ("retry_after", "wait"),
    [(None, "in a minute"), (0.2, "in 1 seconds"), (86400, "in 86400 seconds"), (86401, "later"), (2300058261, "later"), (float("inf"), "later")],
)
@pytest.mark.parametrize("explain", [portal_error_from, check_error_from, member_list_error_from])
def test_a_rate_limit_says_when_to_try_again_in_seconds_up_to_a_day_then_later(explain, retry_after, wait):
    message = explain(aw.RateLimited("slow down", retry_after=retry_after)).message
    assert message.endswith(f"{wait}.")
