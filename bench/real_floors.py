"""Record kitchen's per-page floors on the real pages in tests/fixtures/real_pages/floors.json, which tests/test_extract_real.py holds every page to: `python -m bench.real_floors [--reset]`.

A floor is today's behaviour, not a goal: the body F1 rounded down to two decimals, and whether the
date is right. Floors are only raised (a page that got better keeps its gain; one that got worse
is listed and keeps its floor, so its test fails); `--reset` writes today's figures as they are,
for a trade-off made on purpose and said so in the commit.
"""

from __future__ import annotations

import json
import math
import sys

from bench.real_pages import FLOORS, kitchen_score, real_pages


def main(argv: list[str]) -> int:
    reset = "--reset" in argv
    old = {} if reset or not FLOORS.exists() else json.loads(FLOORS.read_text(encoding="utf-8"))
    floors, below = {}, []
    for page in real_pages():
        score = kitchen_score(page)
        now = {"body_f1": math.floor(score.f1 * 100) / 100, "date": score.date_right}
        before = old.get(page.name, {"body_f1": 0.0, "date": False})
        if now["body_f1"] < before["body_f1"] or before["date"] > now["date"]:
            below.append(f"{page.name}: body F1 {score.f1:.3f} (floor {before['body_f1']:.2f}), "
                         f"date {score.day} (want {page.published_day}, floor {'right' if before['date'] else 'none'})")
        floors[page.name] = {"body_f1": max(now["body_f1"], before["body_f1"]), "date": now["date"] or before["date"]}
    lines = ",\n".join(f" {json.dumps(name)}: {json.dumps(floor)}" for name, floor in floors.items())
    FLOORS.write_text("{\n" + lines + "\n}\n", encoding="utf-8")  # a page a line: a raised floor is a one-line diff
    raised = sum(floors[name] != old.get(name) for name in floors)
    print(f"{FLOORS}: {len(floors)} pages, {raised} floors written or raised, "
          f"mean body F1 floor {sum(f['body_f1'] for f in floors.values()) / len(floors):.3f}, "
          f"dates held {sum(f['date'] for f in floors.values())}/{len(floors)}")
    for line in below:
        print(f"below its floor (kept): {line}")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
