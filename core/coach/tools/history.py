"""Tools that read the training log: summary, progress, records, volume, workouts, search and
the read-only SQL query."""

from __future__ import annotations

from typing import Any

from core.coach.tools.common import (
    SEARCH_MATCHES,
    SUMMARY_PRS,
    ToolError,
    ToolsBase,
    _day_end,
    lifter_text,
    page_rows,
)
from core.coach.tools.inputs import (
    Paged,
    ProgressInput,
    QueryInput,
    RecordsInput,
    SearchInput,
    WeekInput,
    Window,
    WorkoutInput,
)
from core.engine.names import most_trained
from core.engine.periods import day_start, week_start
from core.models import utcnow


class HistoryTools(ToolsBase):
    async def _summary(self, args: Window) -> dict[str, Any]:
        start, end = await self._window(args.start, args.end)
        s = await self._insights.summary(self.user_id, start, end)
        units = (await self._me()).units.value
        return {
            "window": [start.date(), end.date()],
            "units": units,
            "sessions": s.sessions,
            "working_sets": s.working_sets,
            "tonnage": round(await self._load(s.tonnage_kg) or 0),
            "top_exercises": [
                {"exercise": t.title if t else tid, "sets": n} for t, tid, n in s.top_exercises
            ],
            "top_exercises_note": (
                f"the {len(s.top_exercises)} with the most working sets; query_training_log "
                "counts every exercise"
            ),
            "sets_per_muscle_per_week": s.sets_per_muscle,
            "rep_prs": [
                {
                    "exercise": await self._title(p.template_id),
                    "reps": p.reps,
                    "load": await self._load(p.weight_kg),
                    "date": p.at.date(),
                }
                for p in s.rep_prs[-SUMMARY_PRS:]
            ],
            "rep_prs_total": len(s.rep_prs),
            "rep_prs_note": (
                f"the newest {min(SUMMARY_PRS, len(s.rep_prs))} of {len(s.rep_prs)}; "
                "personal_records pages through all of them"
            ),
        }

    async def _title(self, template_id: str) -> str:
        if self._catalogue is None:  # read once per turn, not once per row
            self._catalogue = await self._insights.catalogue(self.user_id)
        template = self._catalogue.get(template_id)
        return template.title if template else template_id

    async def _progress(self, args: ProgressInput) -> dict[str, Any]:
        user = await self._me()
        start = day_start(args.start, user.timezone) if args.start else None
        end = _day_end(args.end, user.timezone) if args.end else None
        p = await self._insights.progress(
            self.user_id, args.exercise, args.bucket, args.formula, start, end
        )
        rows = [
            {
                "period": period,
                "e1rm": await self._load(b.estimate.value),
                "load": await self._load(b.weight_kg),
                "reps": b.reps,
                "rpe": b.rpe,
                "date": b.at.date(),
                "method": b.estimate.method,
            }
            for period, b in p.by_period.items()
        ]
        records = p.records
        return {
            "exercise": p.template.title,
            "units": user.units.value,
            "formula": args.formula,
            "series": page_rows(rows, args.page),
            "heaviest": None
            if records is None
            else {
                "load": await self._load(records.heaviest.weight_kg),
                "reps": records.heaviest.reps,
                "date": records.heaviest.at.date(),
            },
            "best_e1rm": None
            if records is None or records.best_e1rm is None
            else {
                "e1rm": await self._load(records.best_e1rm.estimate.value),
                "load": await self._load(records.best_e1rm.weight_kg),
                "reps": records.best_e1rm.reps,
                "date": records.best_e1rm.at.date(),
            },
            "stalled_since": p.stalled_since.date() if p.stalled_since else None,
        }

    async def _records(self, args: RecordsInput) -> dict[str, Any]:
        user = await self._me()
        records = await self._insights.records(self.user_id)
        if args.exercise:
            template = await self._insights.resolve(self.user_id, args.exercise)
            records = {k: v for k, v in records.items() if k == template.id}
        ranked = sorted(
            records.values(),
            key=lambda r: -(r.best_e1rm.estimate.value if r.best_e1rm else r.heaviest.weight_kg),
        )
        rows = [
            {
                "exercise": await self._title(r.template_id),
                "heaviest": [
                    await self._load(r.heaviest.weight_kg),
                    r.heaviest.reps,
                    r.heaviest.at.date(),
                ],
                "best_e1rm": None
                if r.best_e1rm is None
                else [await self._load(r.best_e1rm.estimate.value), r.best_e1rm.at.date()],
            }
            for r in ranked
        ]
        start, end = await self._window(args.start, args.end)
        reps = await self._insights.rep_prs(self.user_id, start, end)
        if args.exercise:
            reps = [p for p in reps if p.template_id in records]
        return {
            "units": user.units.value,
            "all_time": page_rows(rows, args.page, per_page=20),
            "rep_prs_window": [start.date(), end.date()],
            "rep_prs": page_rows(
                [
                    {
                        "exercise": await self._title(p.template_id),
                        "reps": p.reps,
                        "load": await self._load(p.weight_kg),
                        "previous": await self._load(p.previous_kg),
                        "date": p.at.date(),
                    }
                    for p in reversed(reps)
                ],
                args.page,
            ),
            "paging": "`page` pages both lists (rep-PRs newest first); each says its total",
        }

    async def _volume(self, args: WeekInput) -> dict[str, Any]:
        user = await self._me()
        day = args.week_of or utcnow().astimezone().date()
        monday = week_start(day)
        rows = await self._plans.week_volume(self.user_id, monday, utcnow())
        return {
            "week_of": monday,
            "level": user.preferences.level,
            "muscles": [
                {
                    "muscle": r.muscle,
                    "sets": round(r.sets, 1),
                    "band": [r.low, r.high],
                    "due_by_now": r.expected,
                    "status": r.status,
                }
                for r in rows
            ],
        }

    async def _workouts(self, args: Paged) -> dict[str, Any]:
        start, end = await self._window(args.start, args.end, default_days=56)
        workouts = await self._insights.workouts(self.user_id, start, end)
        rows = []
        for w in reversed(workouts):
            sets = [s for e in w.exercises for s in e.sets if s.type != "warmup"]
            rows.append(
                {
                    "id": w.id,
                    "date": w.start_time.date(),
                    "title": lifter_text(w.title),
                    "exercises": len(w.exercises),
                    "working_sets": len(sets),
                    "minutes": round((w.end_time - w.start_time).total_seconds() / 60)
                    if w.end_time
                    else None,
                }
            )
        return {"window": [start.date(), end.date()], **page_rows(rows, args.page)}

    async def _workout(self, args: WorkoutInput) -> dict[str, Any]:
        user = await self._me()
        workout = None
        if args.workout_id:
            workout = await self._insights.workout(self.user_id, args.workout_id)
        elif args.day:
            found = await self._insights.workouts(
                self.user_id, day_start(args.day, user.timezone), _day_end(args.day, user.timezone)
            )
            workout = found[0] if found else None
        if workout is None:
            raise ToolError("No such workout. Use list_workouts to find ids and dates.")
        return {
            "id": workout.id,
            "title": lifter_text(workout.title),
            "description": lifter_text(workout.description),
            "start": workout.start_time,
            "end": workout.end_time,
            "units": user.units.value,
            "exercises": [
                {
                    "exercise": e.title or await self._title(e.template_id),
                    "notes": lifter_text(e.notes),
                    "sets": [
                        [s.type.value, await self._load(s.weight_kg), s.reps, s.rpe] for s in e.sets
                    ],
                }
                for e in workout.exercises
            ],
            "sets_format": "[type, load, reps, rpe]",
        }

    async def _search(self, args: SearchInput) -> dict[str, Any]:
        catalogue = await self._insights.catalogue(self.user_id)
        trained = await self._insights.trained(self.user_id)
        if args.query:
            found = await self._insights.find(self.user_id, args.query, limit=SEARCH_MATCHES)
        else:  # the lifter's own exercises first, as a name search ranks them
            own = [catalogue[tid] for tid in most_trained(trained) if tid in catalogue]
            rest = sorted(
                (t for t in catalogue.values() if t.id not in trained), key=lambda t: t.title
            )
            found = [*own, *rest]
        if args.muscle:
            found = [
                t
                for t in found
                if args.muscle in (t.primary_muscle_group, *t.secondary_muscle_groups)
            ]
        if args.equipment:
            found = [t for t in found if t.equipment == args.equipment]
        rows = [
            {
                "id": t.id,
                "title": t.title,
                "primary": t.primary_muscle_group,
                "secondary": t.secondary_muscle_groups,
                "equipment": t.equipment,
                "custom": t.is_custom,
                "sessions": trained[t.id].sessions if t.id in trained else 0,
            }
            for t in found
        ]
        out = page_rows(rows, args.page)
        if args.query and len(found) == SEARCH_MATCHES:
            out["note"] = f"the {SEARCH_MATCHES} closest matches: refine the query for others"
        return out

    async def _query(self, args: QueryInput) -> dict[str, Any]:
        result = await self._log.query(self.user_id, args.sql)
        return {"units": (await self._me()).units.value, **result.as_dict()}

    # --- write tools --------------------------------------------------------------------------
