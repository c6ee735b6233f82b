import time


def wait_for(condition, seconds: float = 5.0) -> bool:
    """Whether `condition()` became true within `seconds` (for effects that land after an answer)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
