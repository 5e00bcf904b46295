"""Filling sandbox accounts: from a JSON snapshot of a real account, or from the generator."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from sandbox.generator import Lifter, generate_workouts
from sandbox.state import Account, iso_ms, parse_time


def load_snapshot(account: Account, folder: Path) -> None:
    """Load `workouts.json`, `exercise_templates.json` and `routines.json` from `folder`."""
    templates = json.loads((folder / "exercise_templates.json").read_text())
    account.templates = templates
    for workout in json.loads((folder / "workouts.json").read_text()):
        account.put_workout(workout, as_given=True)
    routines_file = folder / "routines.json"
    if routines_file.exists():
        for routine in json.loads(routines_file.read_text()):
            account.routines[routine["id"]] = routine
            folder_id = routine.get("folder_id")
            if folder_id is not None and not any(f["id"] == folder_id for f in account.folders):
                stamp = routine.get("created_at") or iso_ms(account.clock())
                account.folders.append(
                    {
                        "id": folder_id,
                        "index": len(account.folders),
                        "title": f"Folder {folder_id}",
                        "created_at": stamp,
                        "updated_at": stamp,
                    }
                )


def load_generated(account: Account, lifter: Lifter, until: datetime | None = None) -> None:
    """Fill `account` with a generated lifter's history (timestamps as generated), leaving out
    sessions that would start after `until`."""
    for workout in generate_workouts(lifter):
        if until is None or parse_time(workout["start_time"]) <= until:
            account.put_workout(workout, as_given=True)
