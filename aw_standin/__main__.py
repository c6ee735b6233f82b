"""python -m aw_standin: run the stand-in until SIGTERM or SIGINT."""

import argparse
import signal
import threading

from . import demo
from .records import Client
from .server import StandIn


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m aw_standin", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001, help="0 picks a free port")
    parser.add_argument("--access-token-lifetime", type=int, default=1200, metavar="SECONDS")
    parser.add_argument("--latency", type=float, default=0.0, metavar="SECONDS")
    parser.add_argument(
        "--require-pkce", action="store_true", help="refuse authorization requests without a PKCE S256 challenge"
    )
    parser.add_argument(
        "--login-url", metavar="URL", help="send browsers not signed in to this sign-in page (e.g. on another host)"
    )
    parser.add_argument(
        "--client-id", default=demo.DEMO_CLIENT.client_id, help="OAuth client to register (default: the demo client)"
    )
    parser.add_argument("--client-secret", help="its secret (default: the demo client's, for the demo client)")
    parser.add_argument(
        "--redirect-uri", action="append", default=[], metavar="URI", help="add a redirect URI (repeatable)"
    )
    return parser


def main(argv: list[str] | None = None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    secret = args.client_secret
    if secret is None:
        if args.client_id != demo.DEMO_CLIENT.client_id:
            parser.error("--client-secret is required with a --client-id other than the demo client's")
        secret = demo.DEMO_CLIENT.secret
    standin = StandIn(
        args.host,
        args.port,
        access_token_lifetime=args.access_token_lifetime,
        latency=args.latency,
        require_pkce=args.require_pkce,
        login_url=args.login_url,
        clients=[Client(args.client_id, secret, args.redirect_uri)],
    )
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    print(f"AdultWork stand-in listening on {standin.start()}", flush=True)
    stopping.wait()
    standin.stop()


if __name__ == "__main__":
    main()
