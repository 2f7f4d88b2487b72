"""api_docs/README.md runs as written (issue 19, item 6).

Every ``sh`` block of the guide, in order and as one bash script (a block uses what the
blocks before it defined), against a fresh demo served by ``rammetal run``. The only
change to the text is the server's address (a free port instead of 8000). ``curl`` is
wrapped to record the HTTP status of every request: each must be 2xx, and the script must
succeed under ``set -euo pipefail`` (an undefined variable fails it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.live_server import demo_server

GUIDE = Path(__file__).resolve().parents[2] / "api_docs" / "README.md"
ADDRESS = "http://127.0.0.1:8000"

#: Prepended to the guide: curl records each answer's status and fails on one not 2xx.
PRELUDE = r"""set -euo pipefail
curl() {
  local head status
  head=$(mktemp)
  command curl -D "$head" "$@"
  status=$(awk 'toupper($1) ~ /^HTTP\// { s = $2 } END { print s }' "$head")
  rm -f "$head"
  local call="$*"
  printf '%s\t%s\n' "$status" "${call//$'\n'/ }" >> "$STATUS_LOG"
  case "$status" in
    2??) ;;
    *) echo "HTTP ${status:-none} from: curl $*" >&2; return 22 ;;
  esac
}
"""


def blocks(text: str) -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def _requests(block: str) -> int:
    """The curl commands a block runs (comments left out)."""
    code = "\n".join(line.split(" # ")[0] for line in block.splitlines())
    code = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith("#"))
    return len(re.findall(r"(?:^|[\s(|$])curl\s", code))


def test_the_guide_has_its_examples() -> None:
    found = blocks(GUIDE.read_text("utf-8"))
    assert len(found) >= 5
    assert sum(_requests(b) for b in found) >= 25
    assert ADDRESS in found[0]


@pytest.mark.slow
def test_every_example_of_the_guide_runs_against_a_fresh_demo(tmp_path: Path) -> None:
    bash = shutil.which("bash")
    if bash is None or shutil.which("curl") is None or shutil.which("python3") is None:
        pytest.skip("the guide's examples need bash, curl and python3")
    found = blocks(GUIDE.read_text("utf-8"))
    work = tmp_path / "work"
    work.mkdir()
    with demo_server(tmp_path) as base:
        script = PRELUDE + "".join(
            f"echo '--- block {n}' >&2\n{block.replace(ADDRESS, base)}\n"
            for n, block in enumerate(found, 1)
        )
        (tmp_path / "guide.sh").write_text(script)
        log = tmp_path / "statuses.tsv"
        log.touch()
        result = subprocess.run(
            [bash, str(tmp_path / "guide.sh")],
            cwd=work,
            env={"PATH": "/usr/local/bin:/usr/bin:/bin", "STATUS_LOG": str(log)},
            capture_output=True,
            text=True,
            timeout=300,
        )
    statuses = [line.split("\t", 1) for line in log.read_text().splitlines()]
    report = f"{result.stderr[-3000:]}\n{result.stdout[-2000:]}"
    assert result.returncode == 0, report
    assert all(status.startswith("2") for status, _ in statuses), statuses
    assert len(statuses) == sum(_requests(b) for b in found), (statuses, report)
    assert (work / "li2017.xlsx").read_bytes().startswith(b"PK")
    assert (work / "indberettet.csv").read_bytes() == (work / "udfyldt.csv").read_bytes()
