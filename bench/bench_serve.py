"""Save-to-visible under `mkdocs serve`: the fast mode (`--dirty`) against a full rebuild.

For each size, a synthetic knowledge base (bench/generate.py) is served by a real `mkdocs
serve` on 127.0.0.1, once with `--dirty` (the fast mode: the plugin renders what an edit
affects) and once plain (every save rebuilds the whole site). Two edits are timed, each
`--repeat` times, from the moment the file is saved to the moment the server returns both
changed files:

  body:  a sentence appended to a pattern; visible when the pattern's page and the search
         index (which must keep every other page's entries) both have it;
  link:  a skill links a pattern it did not link before; visible when the skill's page has
         the link and the pattern's page lists the skill under "used by".

This includes MkDocs' own wait for changes (it polls the files every 0.5 s, then waits 0.1 s
for the edits to settle), so it is what an author waits for. The machine should be quiet:
the figures are wall time.

    python -m bench.bench_serve [--sizes 100:300 1000:3000] [--dir /dev/shm] [--repeat 3]
                                [--modes dirty plain]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.generate import generate

CONFIG = """\
site_name: Bench
theme:
  name: material
  font: false
  features: [navigation.indexes, navigation.prune, content.action.edit]
markdown_extensions: [attr_list, md_in_html, tables, toc, fenced_code]
plugins:
  - search
  - skillbook:
      elixir_check: false
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _wait(urls_and_texts: list[tuple[str, str]], limit: float = 120.0) -> float:
    """Seconds until every URL returns a body containing its text.

    The first URL is polled every 10 ms; the others only once it shows its text. MkDocs'
    server holds every request while a build runs, so a rebuilt site becomes visible at
    once; polling a large file (the search index) as fast would slow the server itself."""
    start = time.perf_counter()
    pending = list(urls_and_texts)
    while pending:
        if time.perf_counter() - start > limit:
            raise TimeoutError(f"not visible after {limit} s: {pending}")
        url, text = pending[0]
        if text in _get(url):
            pending.pop(0)
        else:
            time.sleep(0.01 if len(pending) == len(urls_and_texts) else 0.1)
    return time.perf_counter() - start


class Server:
    def __init__(self, root: Path, dirty: bool) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        args = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{self.port}"]
        if dirty:
            args.append("--dirty")
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        self.process = subprocess.Popen(
            args, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def __enter__(self) -> Server:
        _wait([(self.base + "skills/", "skill-00000")], limit=600)
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _body_edit(root: Path, server: Server, n: int) -> float:
    marker = f"bodyedit{n}x{time.time_ns()}"
    with (root / "patterns/pattern_00000.md").open("a", encoding="utf-8") as file:
        file.write(f"\nA sentence {marker}.\n")
    return _wait(
        [
            (server.base + "patterns/pattern_00000/", marker),
            (server.base + "search/search_index.json", marker),
        ]
    )


def _link_edit(root: Path, server: Server, n: int) -> float:
    skill = root / "skills/skill-00000/SKILL.md"
    text = skill.read_text(encoding="utf-8")
    # a pattern the skill does not link yet
    target = next(
        f"pattern_{i:05d}" for i in range(150 + n * 7, 300) if f"pattern_{i:05d}" not in text
    )
    with skill.open("a", encoding="utf-8") as file:
        file.write(f"\nSee also [{target}](../../patterns/{target}.md).\n")
    return _wait(
        [
            (server.base + "skills/skill-00000/", f"{target}/"),
            (server.base + f"patterns/{target}/", "skills/skill-00000/"),
        ]
    )


def measure(root: Path, dirty: bool, repeat: int) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {"body": [], "link": []}
    with Server(root, dirty) as server:
        time.sleep(1.0)  # the first build's files settle
        for n in range(repeat):
            found["body"].append(_body_edit(root, server, n))
            time.sleep(1.0)
            found["link"].append(_link_edit(root, server, n))
            time.sleep(1.0)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["100:300", "1000:3000"])
    parser.add_argument("--dir", default=None, help="where the sites go (e.g. /dev/shm)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--modes", nargs="+", choices=["dirty", "plain"], default=["dirty", "plain"]
    )
    args = parser.parse_args()
    print("size          mode     edit  median   best   worst   (seconds, save to visible)")
    for size in args.sizes:
        skills, patterns = (int(n) for n in size.split(":"))
        for dirty in [mode == "dirty" for mode in args.modes]:
            with tempfile.TemporaryDirectory(dir=args.dir) as folder:
                root = Path(folder)
                generate(root, skills=skills, patterns=patterns)
                (root / "docs").mkdir(exist_ok=True)
                (root / "docs/index.md").write_text("# Home\n", encoding="utf-8")
                (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
                found = measure(root, dirty, args.repeat)
            mode = "--dirty" if dirty else "plain"
            for edit, times in found.items():
                print(
                    f"{skills}+{patterns:<8} {mode:<8} {edit:<5} {statistics.median(times):6.2f}"
                    f" {min(times):6.2f} {max(times):6.2f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
