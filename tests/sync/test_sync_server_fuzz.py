"""Property-based fuzz of the whole sync API with schemathesis, against a real server process.

Every operation of the published OpenAPI document (``/openapi.json``) gets schema-valid and
schema-violating requests with a valid bearer token, and every response is checked with all of
schemathesis' checks: no 5xx, status codes / content types / headers / bodies as documented, valid
requests accepted, invalid ones refused, ``Allow`` on 405. Seeded and bounded (examples per
operation) so it runs the same cases in CI in about a minute on a fresh SQLite database.
``tests/sync/schemathesis.toml`` lists the two checks switched off for two operations and why.

NUL characters are not generated (``--generation-allow-x00 false``): the server refuses them
on purpose (400 in URLs, 422 in bodies, see ``test_sync_server_access``), which a schema cannot say.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sync_fixtures import DB_KINDS, pg_cluster, signup_login, start_server  # noqa: F401

pytestmark = [pytest.mark.fuzz, pytest.mark.timeout(600)]
CONFIG = Path(__file__).with_name("schemathesis.toml")
SEED = 20261201
EXAMPLES = int(os.environ.get("SOUND_DIARY_FUZZ_EXAMPLES", "30"))  # per operation


@pytest.fixture(scope="module", params=DB_KINDS)
def fuzz_server(request, tmp_path_factory):
    server = start_server(request.param, request, tmp_path_factory)  # a fresh database: same cases every run
    yield server
    server.stop()


def test_schemathesis_finds_no_server_error_and_no_schema_violation(fuzz_server, tmp_path):
    with httpx.Client(base_url=fuzz_server.base_url + "/v1", timeout=20) as c:
        me = signup_login(c, "fuzz")
    cli = Path(sys.executable).with_name("schemathesis")
    cmd = [str(cli) if cli.exists() else "schemathesis", "--config-file", str(CONFIG), "run",
           f"{fuzz_server.base_url}/v1/openapi.json", "-H", f"Authorization: Bearer {me.token}",
           "--max-examples", str(EXAMPLES), "--seed", str(SEED),
           "--generation-allow-x00", "false", "--phases", "examples,coverage,fuzzing", "--workers", "1",
           "--no-color", "--output-truncate", "true", "--report", "junit",
           "--report-junit-path", str(tmp_path / "junit.xml")]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=540)
    out = run.stdout + run.stderr
    summary = re.search(r"(\d+) generated, (\d+) (?:passed|found)", out)
    assert summary, out[-3000:]
    generated = int(summary.group(1))
    print(f"schemathesis: {generated} cases, exit {run.returncode}\n" + out[-1500:])
    assert run.returncode == 0, out[-6000:]
    assert f"{generated} generated, {generated} passed" in out, out[-6000:]
    assert generated >= 10 * EXAMPLES  # every operation was reached, not skipped
    assert not [line for line in fuzz_server.log().splitlines() if line.startswith("Traceback")], fuzz_server.log()[-3000:]
