"""Fresh-clone smoke: what a newcomer does after the README's run command.

Waits for /readyz, logs in as a demo user through the API and reads one resource, then
(the web pages) opens the login page, logs in through the form with its CSRF token and
reads the start page. Standard library only; exits non-zero with the reason on failure.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

BASE = sys.argv[1].rstrip("/")
TIMEOUT = float(sys.argv[2]) if len(sys.argv) > 2 else 600.0
PAGES = "--pages" in sys.argv[3:]

jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def fetch(path: str, data: bytes | None = None, headers: dict[str, str] | None = None):
    req = urllib.request.Request(BASE + path, data=data, headers=headers or {})
    try:
        with opener.open(req, timeout=10) as resp:
            return resp.status, resp.geturl(), resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, err.geturl(), err.read().decode("utf-8", "replace")


def fail(message: str) -> None:
    print(f"smoke: FEJL: {message}", file=sys.stderr)
    sys.exit(1)


deadline = time.monotonic() + TIMEOUT
status = 0
while time.monotonic() < deadline:
    try:
        status, _, _ = fetch("/readyz")
        if status == 200:
            break
    except OSError:
        pass
    time.sleep(1)
if status != 200:
    fail(f"/readyz answered {status} within {TIMEOUT:.0f} s")
print("smoke: /readyz 200")

login = json.dumps({"email": "herning@rammetal.demo", "password": "demo-herning"}).encode()
status, _, body = fetch("/api/v1/auth/tokens", login, {"Content-Type": "application/json"})
if status != 201:
    fail(f"API login answered {status}: {body[:300]}")
token = json.loads(body)["token"]
status, _, body = fetch("/api/v1/offers?aar=2017", headers={"Authorization": f"Bearer {token}"})
if status != 200 or json.loads(body)["total"] < 1:
    fail(f"GET /api/v1/offers answered {status}: {body[:300]}")
print(f"smoke: API login and /api/v1/offers ({json.loads(body)['total']} tilbud)")

if not PAGES:
    sys.exit(0)
status, url, body = fetch("/")
if status != 200 or "/log-ind" not in url:
    fail(f"/ did not lead an anonymous visitor to /log-ind ({status}, {url})")
match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body) or re.search(
    r'value="([^"]+)"[^>]*name="csrf_token"', body
)
if not match:
    fail("the login page has no CSRF token")
form = urllib.parse.urlencode(
    {"csrf_token": match.group(1), "email": "herning@rammetal.demo", "password": "demo-herning"}
).encode()
status, url, body = fetch(
    "/log-ind", form, {"Content-Type": "application/x-www-form-urlencoded"}
)
if status != 200 or "/indberetning" not in url or "Herning" not in body:
    fail(f"logging in through the page did not reach /indberetning ({status}, {url})")
print("smoke: page login and /indberetning")
