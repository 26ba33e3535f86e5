"""Proof of scripts/ci/moto_serve.py's replay of retried calls (run by scripts/ci/selftest.sh).

Starts the server on a free port and allocates Elastic IPs through raw EC2 Query calls: a retried attempt (same
`amz-sdk-invocation-id`) gets the first attempt's allocation, a new invocation a new one, and a retried call whose
first attempt failed is carried out again. Exits non-zero with one line when the server behaves otherwise.
"""

import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

AUTH = ("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/ec2/aws4_request, "
        "SignedHeaders=host, Signature=0")


def call(endpoint, body, invocation, attempt):
    request = urllib.request.Request(endpoint, data=body.encode(), method="POST", headers={
        "Authorization": AUTH, "Content-Type": "application/x-www-form-urlencoded",
        "amz-sdk-invocation-id": invocation, "amz-sdk-request": f"attempt={attempt}; max=3"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def allocation(text):
    found = re.search(r"<allocationId>([^<]+)</allocationId>", text)
    if not found:
        sys.exit(f"error: moto_serve_test: no allocation in the answer: {text[:200]}")
    return found.group(1)


def main():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    endpoint = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen([sys.executable, str(Path(__file__).with_name("moto_serve.py")), str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(endpoint + "moto-api/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        allocate = "Action=AllocateAddress&Version=2016-11-15&Domain=vpc"
        first = allocation(call(endpoint, allocate, "inv-1", 1)[1])
        retried = allocation(call(endpoint, allocate, "inv-1", 2)[1])
        other = allocation(call(endpoint, allocate, "inv-2", 1)[1])
        if retried != first:
            sys.exit(f"error: moto_serve_test: a retried attempt was carried out again ({first}, then {retried})")
        if other == first:
            sys.exit(f"error: moto_serve_test: a new invocation got the answer of another ({first})")
        release = "Action=ReleaseAddress&Version=2016-11-15&AllocationId=eipalloc-00000000000000000"
        failed = call(endpoint, release, "inv-3", 1)[0]
        again = call(endpoint, f"Action=ReleaseAddress&Version=2016-11-15&AllocationId={other}", "inv-3", 2)[0]
        if failed < 400 or again != 200:
            sys.exit(f"error: moto_serve_test: a retry after an error answer was not carried out ({failed}, {again})")
    finally:
        server.terminate()
        log = server.communicate(timeout=30)[1]
    if "replayed the answer" not in log:
        sys.exit("error: moto_serve_test: the server logged no replay")
    print("moto_serve: a retried attempt gets its first answer, a new invocation or a retry after an error is carried out")


if __name__ == "__main__":
    main()
