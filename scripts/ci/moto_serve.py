"""moto_server, one request at a time: the emulator for scripts/moto-apply.sh.

`moto_server` serves each request on its own thread (werkzeug `threaded=True`), and moto's backends are plain dicts
without locks: under load, concurrent calls interleave inside the emulator (a cold CI run once got
`AlreadyExistsException` from CreateAlias for an alias Terraform created once, while another alias was created at
the same moment). Real AWS serialises what moto cannot, so here every request is handled to completion before the
next is read: the same application and request handler as `moto_server` (moto 5.2.5 `moto/server.py`), with
`threaded=False`, which also makes werkzeug answer HTTP/1.0 and close each connection after its response, so no
client ever reuses a connection the server is closing.

Usage: moto_serve.py PORT   (binds 127.0.0.1 only)
"""

import os
import sys

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import run_simple


def main() -> None:
    port = int(sys.argv[1])
    os.environ.setdefault("MOTO_PORT", str(port))  # as moto_server does: moto builds some URLs from it
    app = DomainDispatcherApplication(create_backend_app)
    app.debug = True  # as moto_server does
    run_simple("127.0.0.1", port, app, threaded=False, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
