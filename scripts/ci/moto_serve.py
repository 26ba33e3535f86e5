"""moto_server, one request at a time: the emulator for scripts/moto-apply.sh.

`moto_server` serves each request on its own thread (werkzeug `threaded=True`), and moto's backends are plain dicts
without locks: under load, concurrent calls interleave inside the emulator (a cold CI run once got
`AlreadyExistsException` from CreateAlias for an alias Terraform created once, while another alias was created at
the same moment). Real AWS serialises what moto cannot, so here every request is handled to completion before the
next is read: the same application and request handler as `moto_server` (moto 5.2.5 `moto/server.py`), with
`threaded=False`, which also makes werkzeug answer HTTP/1.0 and close each connection after its response, so no
client ever reuses a connection the server is closing.

A retried attempt of a call that moto already carried out gets that first answer again (`RetriedAttempts`). The
AWS SDKs retry a call whose answer they did not read (a connection reset under load) with the same
`amz-sdk-invocation-id`; real AWS makes such a retry harmless (client tokens, for CreateNatGateway and the like),
moto carries it out twice: a second NAT gateway for one Elastic IP answered `Resource.AlreadyAssociated` to an apply
that created one. A retry after an error answer (throttling, a 5xx) is carried out again, as AWS does. Each replay is
logged to stderr (the server log).

Usage: moto_serve.py PORT   (binds 127.0.0.1 only)
"""

import os
import sys

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import run_simple


class RetriedAttempts:
    """WSGI middleware: the answer of a changing call's first successful attempt, replayed to its retries."""

    def __init__(self, app):
        self.app = app
        self.answered = {}  # invocation id -> (status, headers, body) of a successful attempt

    def __call__(self, environ, start_response):
        invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
        changing = environ.get("REQUEST_METHOD") not in ("GET", "HEAD")
        if invocation and changing and invocation in self.answered:
            status, headers, body = self.answered[invocation]
            attempt = environ.get("HTTP_AMZ_SDK_REQUEST", "")
            print(f"moto_serve: replayed the answer ({status}) to a retried call ({attempt}, invocation {invocation})",
                  file=sys.stderr, flush=True)
            start_response(status, headers)
            return [body]
        answer = {}
        chunks = []

        def capture(status, headers, exc_info=None):
            answer.update(status=status, headers=list(headers))
            start_response(status, headers, exc_info)
            return chunks.append

        result = self.app(environ, capture)
        try:
            chunks.extend(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        body = b"".join(chunks)
        if invocation and changing and int(answer["status"].split()[0]) < 400:
            self.answered[invocation] = (answer["status"], answer["headers"], body)
        return [body]


def main() -> None:
    port = int(sys.argv[1])
    os.environ.setdefault("MOTO_PORT", str(port))  # as moto_server does: moto builds some URLs from it
    app = DomainDispatcherApplication(create_backend_app)
    app.debug = True  # as moto_server does
    run_simple("127.0.0.1", port, RetriedAttempts(app), threaded=False, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
