import subprocess


def process_stop(process: subprocess.Popen, *, seconds: float = 5) -> None:
    """Stop a server the suite started: SIGTERM, as a deploy does; SIGKILL if it takes longer."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
